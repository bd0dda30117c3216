using Microsoft.Extensions.Time.Testing;

namespace Corda.HighAvailability.Tests.Infrastructure;

/// <summary>
/// A clock that can jump forward without running any timer: what a process sees in the first instants after it is
/// resumed from SIGSTOP (or starved of CPU), before the timer thread has had a chance to run. Timers come from the
/// inner fake clock and fire only when it is advanced.
/// </summary>
internal sealed class ResumedClock(FakeTimeProvider inner) : TimeProvider
{
    private long _skewTicks;

    public override long TimestampFrequency => inner.TimestampFrequency;

    /// <summary>Moves the readings forward by <paramref name="pause"/>; no timer fires.</summary>
    public void Resume(TimeSpan pause) => Interlocked.Add(ref _skewTicks, (long)(pause.TotalSeconds * inner.TimestampFrequency));

    public override long GetTimestamp() => inner.GetTimestamp() + Interlocked.Read(ref _skewTicks);

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + TimeSpan.FromSeconds((double)Interlocked.Read(ref _skewTicks) / inner.TimestampFrequency);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);
}
