using Corda.HighAvailability.LeaseElection;
using Corda.HighAvailability.Tool.Cli;
using Microsoft.Extensions.Hosting;

namespace Corda.HighAvailability.Tool.Drill;

/// <summary>
/// Test instrument of a drill candidate (<c>--sample-belief</c>): reads <see cref="ILeaseElector.IsLeader"/> about
/// every millisecond on a thread of its own and reports each interval during which it was true, stamped with the
/// machine-wide monotonic clock, so that a test can check that no two processes ever believed they led at once.
/// </summary>
/// <remarks>
/// The reported interval runs from the first to the last true sample, so it lies inside the real one: an overlap of
/// two reported intervals is a real overlap. After a gap between samples longer than the renew deadline (the process
/// was stopped), the first sample is reported as well: it must be false, since the deadline passed during the gap.
/// The clock is read before <c>IsLeader</c>, so a gap is only reported when the read really came after it.
/// </remarks>
internal sealed class BeliefSampler(ILeaseElector elector, CandidateEventWriter events, CandidateSettings settings) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Thread? _thread;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "belief-sampler" };
        _thread.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stop.Cancel();
        _thread?.Join(TimeSpan.FromSeconds(2));
        return Task.CompletedTask;
    }

    public void Dispose() => _stop.Dispose();

    private void Run()
    {
        // A renewal may start just after a sample and succeed before the pause: allow for it.
        var pauseNs = (long)((DrillTimings.RenewDeadline(settings.LeaseDuration) + TimeSpan.FromMilliseconds(50)).TotalMilliseconds * 1_000_000);
        long previous = MonotonicClock.NowNanoseconds();
        long? from = null;
        long last = 0;
        long epoch = 0;
        while (!_stop.IsCancellationRequested)
        {
            var now = MonotonicClock.NowNanoseconds();
            var leader = elector.IsLeader;
            var currentEpoch = elector.CurrentEpoch ?? epoch;
            if (now - previous > pauseNs)
            {
                events.PauseSeen(currentEpoch, (now - previous) / 1e6, leader);
            }

            if (leader)
            {
                if (from is null || currentEpoch != epoch)
                {
                    if (from is { } start)
                    {
                        events.Belief(epoch, start, last);
                    }

                    from = now;
                    epoch = currentEpoch;
                }

                last = now;
            }
            else if (from is { } start)
            {
                events.Belief(epoch, start, last);
                from = null;
            }

            previous = now;
            Thread.Sleep(1);
        }

        if (from is { } open)
        {
            events.Belief(epoch, open, last);
        }
    }
}
