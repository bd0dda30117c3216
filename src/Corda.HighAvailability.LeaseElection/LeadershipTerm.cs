using Corda.HighAvailability.LeaseElection.Storage;

namespace Corda.HighAvailability.LeaseElection;

/// <summary>
/// One grant held by this host: its token, the leadership cancellation, and the renew-deadline timer that
/// self-fences the host when renewals stop succeeding, whatever the election loop is blocked on.
/// </summary>
internal sealed class LeadershipTerm : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _renewDeadline;
    private readonly ITimer _deadlineTimer;
    private int _ended;

    public LeadershipTerm(LeaseToken token, long grantStart, TimeProvider time, TimeSpan renewDeadline, Action<LeadershipTerm> onDeadline)
    {
        Token = token;
        StartedAt = grantStart;
        LastRenewalStart = grantStart;
        Cancellation = _cancellation.Token;
        _time = time;
        _renewDeadline = renewDeadline;
        _deadlineTimer = time.CreateTimer(
            _ =>
            {
                // Cancel first: IsLeader turns false and leader-only work is told to stop at once.
                CancelQuietly();
                onDeadline(this);
            },
            null,
            Remaining(grantStart),
            Timeout.InfiniteTimeSpan);
    }

    public LeaseToken Token { get; }

    public long StartedAt { get; }

    public long LastRenewalStart { get; private set; }

    public CancellationToken Cancellation { get; }

    public bool IsActive => !Cancellation.IsCancellationRequested;

    /// <summary>Moves the deadline on: a renewal that started at <paramref name="renewalStart"/> succeeded.</summary>
    public void Renewed(long renewalStart)
    {
        if (Volatile.Read(ref _ended) != 0 || Cancellation.IsCancellationRequested)
        {
            return;
        }

        LastRenewalStart = renewalStart;
        _deadlineTimer.Change(Remaining(renewalStart), Timeout.InfiniteTimeSpan);
    }

    /// <summary>Marks the term ended; true for the one caller that should run the end-of-term steps.</summary>
    public bool TryEnd()
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return false;
        }

        CancelQuietly();
        return true;
    }

    /// <summary>
    /// Stops the deadline timer. The cancellation source is left alone: it owns no timer, and code that still
    /// holds <see cref="Cancellation"/> (leader-only work, a loop iteration in flight) may register on it safely.
    /// </summary>
    public void Dispose() => _deadlineTimer.Dispose();

    private TimeSpan Remaining(long since)
    {
        var remaining = _renewDeadline - _time.GetElapsedTime(since);
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    private void CancelQuietly()
    {
        try
        {
            _cancellation.Cancel();
        }
        catch (AggregateException)
        {
            // A callback registered on the leadership token threw; the token is cancelled regardless.
        }
    }
}
