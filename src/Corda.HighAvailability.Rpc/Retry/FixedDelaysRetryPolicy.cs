namespace Corda.HighAvailability.Rpc.Retry;

/// <summary>
/// Waits the given delays in turn, one per attempt of an outage, and gives up after the last one, as SignalR's
/// <c>WithAutomaticReconnect(TimeSpan[])</c> does (its default list is 0, 2, 10 and 30 s). With
/// <see cref="RepeatLast"/>, the last delay repeats for ever instead.
/// </summary>
public sealed class FixedDelaysRetryPolicy : IRpcRetryPolicy
{
    private readonly TimeSpan[] _delays;

    /// <summary>Creates the policy.</summary>
    /// <param name="delays">The delays before attempt 1, 2, ...; at least one, none negative.</param>
    /// <param name="repeatLast">Repeat the last delay for ever rather than give up.</param>
    public FixedDelaysRetryPolicy(IEnumerable<TimeSpan> delays, bool repeatLast = false)
    {
        ArgumentNullException.ThrowIfNull(delays);
        _delays = delays.ToArray();
        if (_delays.Length == 0)
        {
            throw new ArgumentException("At least one delay is required.", nameof(delays));
        }

        if (_delays.Any(d => d < TimeSpan.Zero))
        {
            throw new ArgumentOutOfRangeException(nameof(delays), "No delay may be negative.");
        }

        RepeatLast = repeatLast;
    }

    /// <summary>SignalR's default list: 0, 2, 10 and 30 s, then give up.</summary>
    public static FixedDelaysRetryPolicy SignalRDefault { get; } =
        new([TimeSpan.Zero, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)]);

    /// <summary>The delays, in order.</summary>
    public IReadOnlyList<TimeSpan> Delays => _delays;

    /// <summary>Whether the last delay repeats rather than the policy giving up.</summary>
    public bool RepeatLast { get; }

    /// <inheritdoc />
    public TimeSpan? NextDelay(RpcRetryContext context)
    {
        var attempt = Math.Max(0, context.PreviousAttempts);
        if (attempt < _delays.Length)
        {
            return _delays[attempt];
        }

        return RepeatLast ? _delays[^1] : null;
    }
}
