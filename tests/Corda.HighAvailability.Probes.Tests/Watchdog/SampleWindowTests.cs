using Corda.HighAvailability.Probes.Watchdog;
using Microsoft.Extensions.Time.Testing;

namespace Corda.HighAvailability.Probes.Tests.Watchdog;

/// <summary>The window's percentiles (nearest rank, of the runs that answered) and its bounds by count and age.</summary>
public sealed class SampleWindowTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Percentiles_are_nearest_rank_over_the_runs_that_answered()
    {
        var window = new SampleWindow(100, TimeSpan.FromHours(1), _time);
        for (var i = 1; i <= 100; i++)
        {
            window.Add(_time.GetTimestamp(), new RunResult(RunOutcome.Success, TimeSpan.FromMilliseconds(i), null));
        }

        // A failed run's latency (a fast refusal, a long timeout) is a failure, not a latency.
        window.Add(_time.GetTimestamp(), new RunResult(RunOutcome.Timeout, TimeSpan.FromSeconds(30), null));

        var summary = window.Summarize(_time.GetTimestamp());

        Assert.Equal(100, summary.Samples); // The oldest (1 ms) left for the timeout.
        Assert.Equal(1, summary.Failures);
        Assert.Equal(TimeSpan.FromMilliseconds(51), summary.P50); // 99 answers, 2..100 ms: rank ceil(49.5) = 50th.
        Assert.Equal(TimeSpan.FromMilliseconds(100), summary.P99); // rank ceil(98.01) = 99th of 99: below 100 answers, p99 is the slowest.
        Assert.Equal(0.01, summary.FailureRatio);
    }

    [Fact]
    public void In_a_small_window_p99_is_the_slowest_run()
    {
        var window = new SampleWindow(20, TimeSpan.FromHours(1), _time);
        foreach (var ms in new[] { 5, 7, 6, 900, 5 })
        {
            window.Add(_time.GetTimestamp(), new RunResult(RunOutcome.Success, TimeSpan.FromMilliseconds(ms), null));
        }

        var summary = window.Summarize(_time.GetTimestamp());

        Assert.Equal(TimeSpan.FromMilliseconds(6), summary.P50);
        Assert.Equal(TimeSpan.FromMilliseconds(900), summary.P99);
    }

    [Fact]
    public void Runs_older_than_the_age_leave_the_window_and_a_window_of_failures_has_no_percentiles()
    {
        var window = new SampleWindow(20, TimeSpan.FromMinutes(1), _time);
        window.Add(_time.GetTimestamp(), new RunResult(RunOutcome.Success, TimeSpan.FromMilliseconds(5), null));
        _time.Advance(TimeSpan.FromSeconds(61));
        window.Add(_time.GetTimestamp(), new RunResult(RunOutcome.Failure, TimeSpan.FromMilliseconds(1), null));

        var summary = window.Summarize(_time.GetTimestamp());

        Assert.Equal(1, summary.Samples);
        Assert.Equal(1, summary.Failures);
        Assert.Null(summary.P50);
        Assert.Null(summary.P99);
    }
}
