namespace Corda.HighAvailability.LeaseElection.Policies;

/// <summary>
/// A preferred primary: each host gets a priority (0 = preferred) and waits
/// <c>priority × DelayPerPriority</c> after the lease becomes free before it tries to take it, so that
/// when several standbys survive, the preferred one wins. It never forces a running leader out: handing back
/// to a recovered primary is an operator's graceful stop, not an automatic flap.
/// </summary>
public sealed class PreferredLeaderFailoverPolicy : FailoverPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="priority">0 for the preferred host; higher waits longer.</param>
    /// <param name="delayPerPriority">Extra wait per priority step; should exceed the time a takeover needs (a few hundred ms).</param>
    public PreferredLeaderFailoverPolicy(int priority, TimeSpan delayPerPriority)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(priority);
        if (delayPerPriority < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delayPerPriority), delayPerPriority, "The delay per priority must not be negative.");
        }

        Priority = priority;
        DelayPerPriority = delayPerPriority;
    }

    /// <summary>The priority of this host; 0 is preferred.</summary>
    public int Priority { get; }

    /// <summary>Extra wait per priority step.</summary>
    public TimeSpan DelayPerPriority { get; }

    /// <inheritdoc />
    public override TimeSpan GetTakeoverDelay(FailoverPolicyContext context) => DelayPerPriority * Priority;
}
