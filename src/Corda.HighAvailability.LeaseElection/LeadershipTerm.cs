using Corda.HighAvailability.LeaseElection.Storage;

namespace Corda.HighAvailability.LeaseElection;

/// <summary>
/// One grant held by this host: its token, the leadership cancellation, and the renew deadline that self-fences
/// the host when renewals stop succeeding, whatever the election loop is blocked on.
/// </summary>
/// <remarks>
/// The deadline is checked in two ways. A timer cancels <see cref="Cancellation"/> when it passes, so leader-only
/// work is told to stop. And <see cref="IsActive"/> compares the monotonic clock with the deadline on every read,
/// because a timer can run late: after a process is resumed from SIGSTOP (or starved of CPU) the timer thread may
/// need milliseconds to run, and in that window nothing may still claim leadership.
/// </remarks>
internal sealed class LeadershipTerm : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _renewDeadline;
    private readonly ITimer _deadlineTimer;
    private long _lastRenewalStart;
    private int _ended;

    public LeadershipTerm(LeaseToken token, long grantStart, TimeProvider time, TimeSpan renewDeadline, Action<LeadershipTerm> onDeadline)
    {
        Token = token;
        StartedAt = grantStart;
        _lastRenewalStart = grantStart;
        Cancellation = _cancellation.Token;
        _time = time;
        _renewDeadline = renewDeadline;
        NextRenewalAttempt = grantStart;

        // Created disarmed: the elector arms it once the term is published, so that the end of a term can never be
        // reported before its start.
        _deadlineTimer = time.CreateTimer(
            _ =>
            {
                // Cancel first: leader-only work is told to stop at once, then the elector ends the term.
                CancelQuietly();
                onDeadline(this);
            },
            null,
            Timeout.InfiniteTimeSpan,
            Timeout.InfiniteTimeSpan);
    }

    public LeaseToken Token { get; }

    /// <summary>Monotonic timestamp of the last renewal attempt, successful or not; the loop paces renewals from it.</summary>
    public long NextRenewalAttempt { get; set; }

    /// <summary>Leader-only start-up work (events, observers) running off the election loop.</summary>
    public Task StartedWork { get; set; } = Task.CompletedTask;

    /// <summary>A step-down question to the failover policies, asked off the election loop.</summary>
    public TimeBoxedQuestion StepDownQuestion { get; } = new();

    public long StartedAt { get; }

    /// <summary>Monotonic timestamp of the start of the last successful renewal (or of the grant).</summary>
    public long LastRenewalStart => Interlocked.Read(ref _lastRenewalStart);

    /// <summary>Cancelled when the term ends; may be cancelled a little after <see cref="IsActive"/> turned false.</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>
    /// Whether the term is still in force: not ended, and the renew deadline not passed on the monotonic clock.
    /// </summary>
    public bool IsActive => !Cancellation.IsCancellationRequested && Remaining(LastRenewalStart) > TimeSpan.Zero;

    /// <summary>Time left before the renew deadline; zero when it passed.</summary>
    public TimeSpan TimeLeft => Cancellation.IsCancellationRequested ? TimeSpan.Zero : Remaining(LastRenewalStart);

    /// <summary>Starts the deadline timer.</summary>
    public void Arm() => _deadlineTimer.Change(Remaining(LastRenewalStart), Timeout.InfiniteTimeSpan);

    /// <summary>
    /// Moves the deadline on: a renewal that started at <paramref name="renewalStart"/> succeeded. A renewal that
    /// succeeded in the database only after the deadline passed does not revive the term: the standbys may already
    /// count the grant as lapsed.
    /// </summary>
    /// <returns><see langword="false"/> when the term had already ended or passed its deadline.</returns>
    public bool Renewed(long renewalStart)
    {
        if (Volatile.Read(ref _ended) != 0 || !IsActive)
        {
            return false;
        }

        Interlocked.Exchange(ref _lastRenewalStart, renewalStart);
        _deadlineTimer.Change(Remaining(renewalStart), Timeout.InfiniteTimeSpan);
        return true;
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
