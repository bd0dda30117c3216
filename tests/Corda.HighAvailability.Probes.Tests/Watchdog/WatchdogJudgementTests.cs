using Corda.HighAvailability.Probes.Watchdog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Corda.HighAvailability.Probes.Tests.Watchdog;

/// <summary>How runs become a status: window, thresholds and hysteresis, on a fake clock (pure logic).</summary>
public sealed class WatchdogJudgementTests
{
    [Fact]
    public async Task One_slow_run_among_many_does_not_change_the_status()
    {
        ScriptedWork work = null!;
        await using var harness = WatchdogHarness.Create(_ => { }, (b, time) => b.AddWorkProbe("flow", (work = new ScriptedWork(time)).RunAsync));

        await harness.RoundsAsync(10);
        work.Latency = TimeSpan.FromSeconds(3);
        await harness.RoundAsync();
        var afterSpike = await harness.VerdictAsync();
        work.Latency = TimeSpan.FromMilliseconds(50);
        await harness.RoundsAsync(10);
        var later = await harness.VerdictAsync();

        Assert.Equal(HealthStatus.Healthy, afterSpike.Status);
        Assert.Equal(3000d, afterSpike.Data["flow.p99Ms"]); // The window saw it...
        Assert.Equal(50d, afterSpike.Data["flow.p50Ms"]);
        Assert.Equal(HealthStatus.Healthy, later.Status); // ...and the status never moved.
    }

    [Fact]
    public async Task Sustained_slowness_degrades_after_WorsenAfter_runs_and_recovery_needs_RecoverAfter_good_runs()
    {
        ScriptedWork work = null!;
        await using var harness = WatchdogHarness.Create(
            o => { o.WorsenAfter = 3; o.RecoverAfter = 4; },
            (b, time) => b.AddWorkProbe("flow", (work = new ScriptedWork(time)).RunAsync));
        await harness.RoundsAsync(5);

        work.Latency = TimeSpan.FromSeconds(2);
        await harness.RoundsAsync(2);
        Assert.Equal(HealthStatus.Healthy, (await harness.VerdictAsync()).Status);
        await harness.RoundAsync();
        var degraded = await harness.VerdictAsync();
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Contains("'flow' is degraded", degraded.Description, StringComparison.Ordinal);
        Assert.Contains("above DegradedLatency (1 s)", degraded.Description, StringComparison.Ordinal);

        work.Latency = TimeSpan.FromMilliseconds(50);
        await harness.RoundsAsync(3);
        Assert.Equal(HealthStatus.Degraded, (await harness.VerdictAsync()).Status);
        await harness.RoundAsync();
        Assert.Equal(HealthStatus.Healthy, (await harness.VerdictAsync()).Status);
    }

    [Fact]
    public async Task Runs_alternating_slow_and_fast_are_caught_by_the_median_and_do_not_flap()
    {
        ScriptedWork work = null!;
        await using var harness = WatchdogHarness.Create(_ => { }, (b, time) => b.AddWorkProbe("flow", (work = new ScriptedWork(time)).RunAsync));
        await harness.RoundsAsync(5);

        var statuses = new List<HealthStatus>();
        for (var i = 0; i < 30; i++)
        {
            // Two slow runs in three: never WorsenAfter slow runs in a row, but the median is slow.
            work.Latency = i % 3 == 2 ? TimeSpan.FromMilliseconds(50) : TimeSpan.FromSeconds(2);
            await harness.RoundAsync();
            statuses.Add((await harness.VerdictAsync()).Status);
        }

        var firstDegraded = statuses.IndexOf(HealthStatus.Degraded);
        Assert.InRange(firstDegraded, 3, 25);
        Assert.All(statuses.Skip(firstDegraded), s => Assert.Equal(HealthStatus.Degraded, s));
    }

    [Fact]
    public async Task A_single_failure_does_not_make_it_unhealthy_and_WorsenAfter_failures_in_a_row_do()
    {
        ScriptedWork work = null!;
        await using var harness = WatchdogHarness.Create(_ => { }, (b, time) => b.AddWorkProbe("flow", (work = new ScriptedWork(time)).RunAsync));
        await harness.RoundsAsync(9);

        work.Fail = true;
        await harness.RoundAsync();
        work.Fail = false;
        await harness.RoundsAsync(5);
        Assert.Equal(HealthStatus.Healthy, (await harness.VerdictAsync()).Status);

        work.Fail = true;
        await harness.RoundsAsync(2);
        Assert.Equal(HealthStatus.Healthy, (await harness.VerdictAsync()).Status);
        await harness.RoundAsync();
        var unhealthy = await harness.VerdictAsync();

        Assert.Equal(HealthStatus.Unhealthy, unhealthy.Status);
        Assert.Contains("IOException: RPC connection reset by peer", unhealthy.Description, StringComparison.Ordinal);
        Assert.Equal(3, unhealthy.Data["flow.consecutiveFailures"]);
        Assert.Equal(4, unhealthy.Data["flow.failures"]);
        Assert.Equal("failure", unhealthy.Data["flow.lastOutcome"]);
        Assert.Equal("unhealthy", unhealthy.Data["flow.status"]);
    }

    [Fact]
    public async Task Two_failures_in_every_three_runs_are_unhealthy_though_never_WorsenAfter_in_a_row()
    {
        ScriptedWork work = null!;
        await using var harness = WatchdogHarness.Create(_ => { }, (b, time) => b.AddWorkProbe("flow", (work = new ScriptedWork(time)).RunAsync));
        await harness.RoundsAsync(5);

        for (var i = 0; i < 18; i++)
        {
            work.Fail = i % 3 != 2;
            await harness.RoundAsync();
        }

        var verdict = await harness.VerdictAsync();
        Assert.Equal(HealthStatus.Unhealthy, verdict.Status);
        Assert.Contains("UnhealthyFailureRatio", verdict.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recovery_from_unhealthy_passes_through_degraded_while_the_failures_are_in_the_window()
    {
        ScriptedWork work = null!;
        await using var harness = WatchdogHarness.Create(
            o => { o.WindowSize = 10; o.DegradedFailureRatio = 0.2; },
            (b, time) => b.AddWorkProbe("flow", (work = new ScriptedWork(time)).RunAsync));
        await harness.RoundsAsync(5);
        work.Fail = true;
        await harness.RoundsAsync(4);
        Assert.Equal(HealthStatus.Unhealthy, (await harness.VerdictAsync()).Status);

        work.Fail = false;
        var statuses = new List<HealthStatus>();
        for (var i = 0; i < 12; i++)
        {
            await harness.RoundAsync();
            statuses.Add((await harness.VerdictAsync()).Status);
        }

        // 4 failures in the last 10 runs (then 3, 2): Degraded once RecoverAfter runs judged it so; Healthy only once
        // the window holds fewer than 20 % failures (the 9th good run) and RecoverAfter runs agree.
        Assert.Equal(
            [HealthStatus.Unhealthy, HealthStatus.Unhealthy, HealthStatus.Degraded, HealthStatus.Degraded, HealthStatus.Degraded,
             HealthStatus.Degraded, HealthStatus.Degraded, HealthStatus.Degraded, HealthStatus.Degraded, HealthStatus.Degraded,
             HealthStatus.Healthy, HealthStatus.Healthy],
            statuses);
    }

    [Fact]
    public async Task Failures_older_than_WindowDuration_stop_counting()
    {
        ScriptedWork work = null!;
        await using var harness = WatchdogHarness.Create(
            o => { o.WindowDuration = TimeSpan.FromMinutes(1); o.MinimumSamples = 1; o.RecoverAfter = 1; },
            (b, time) => b.AddWorkProbe("flow", (work = new ScriptedWork(time)).RunAsync));
        work.Fail = true;
        await harness.RoundsAsync(3);
        work.Fail = false;
        await harness.RoundAsync();
        var soon = await harness.VerdictAsync();

        harness.Time.Advance(TimeSpan.FromMinutes(2));
        await harness.RoundAsync();
        var later = await harness.VerdictAsync();

        Assert.Equal(HealthStatus.Unhealthy, soon.Status); // 3 of 4 failed
        Assert.Equal(HealthStatus.Healthy, later.Status);
        Assert.Equal(1, later.Data["flow.samples"]);
        Assert.Equal(0, later.Data["flow.failures"]);
    }

    [Fact]
    public async Task UnhealthyLatency_makes_sustained_very_slow_runs_unhealthy()
    {
        ScriptedWork work = null!;
        await using var harness = WatchdogHarness.Create(
            o => o.UnhealthyLatency = TimeSpan.FromSeconds(3),
            (b, time) => b.AddWorkProbe("flow", (work = new ScriptedWork(time)).RunAsync));
        await harness.RoundsAsync(3);
        work.Latency = TimeSpan.FromSeconds(4);
        await harness.RoundsAsync(3);

        var verdict = await harness.VerdictAsync();

        Assert.Equal(HealthStatus.Unhealthy, verdict.Status);
        Assert.Contains("above UnhealthyLatency (3 s)", verdict.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_first_run_sets_the_status_and_until_then_the_verdict_is_the_failure_status()
    {
        ScriptedWork work = null!;
        await using var harness = WatchdogHarness.Create(
            _ => { },
            (b, time) => b.AddWorkProbe("flow", (work = new ScriptedWork(time) { Fail = true }).RunAsync),
            failureStatus: HealthStatus.Degraded);

        var before = await harness.VerdictAsync();
        await harness.RoundAsync();
        var after = await harness.VerdictAsync();

        Assert.Equal(HealthStatus.Degraded, before.Status);
        Assert.Contains("has not judged yet", before.Description, StringComparison.Ordinal);
        Assert.Equal("not-judged", before.Data["flow.status"]);
        Assert.Equal(HealthStatus.Degraded, after.Status); // Unhealthy at once, capped by the registration's failure status.
        Assert.Equal("unhealthy", after.Data["flow.status"]);
    }

    [Fact]
    public async Task A_slow_first_run_is_not_held_against_the_probe()
    {
        ScriptedWork work = null!;
        await using var harness = WatchdogHarness.Create(_ => { }, (b, time) => b.AddWorkProbe("flow", (work = new ScriptedWork(time) { Latency = TimeSpan.FromSeconds(3) }).RunAsync));

        await harness.RoundAsync();

        // JIT, connection set-up and cold caches make first runs slow: only whether it answered sets the first status.
        Assert.Equal(HealthStatus.Healthy, (await harness.VerdictAsync()).Status);
    }

    [Fact]
    public async Task Status_transitions_are_logged_worse_as_warnings_and_better_as_information()
    {
        ScriptedWork work = null!;
        await using var harness = WatchdogHarness.Create(
            _ => { },
            (b, time) => b.AddWorkProbe("flow", (work = new ScriptedWork(time)).RunAsync),
            services: s => s.AddFakeLogging());
        var logs = harness.Provider.GetFakeLogCollector();

        await harness.RoundAsync();
        work.Fail = true;
        await harness.RoundsAsync(3);
        work.Fail = false;
        await harness.RoundsAsync(16); // Healthy once fewer than 20 % of the window failed (3 of 16) and RecoverAfter runs agree.

        var transitions = logs.GetSnapshot().Where(r => r.Id.Id is >= 3200 and <= 3204).Select(r => (r.Id.Id, r.Level)).ToList();
        Assert.Equal(
            [(3202, LogLevel.Information), (3204, LogLevel.Information), // first judgement, first verdict
             (3200, LogLevel.Warning), (3203, LogLevel.Warning),         // Healthy -> Unhealthy
             (3201, LogLevel.Information), (3204, LogLevel.Information), // -> Degraded while the failures are in the window
             (3201, LogLevel.Information), (3204, LogLevel.Information)], // -> Healthy
            transitions);
        Assert.Contains(logs.GetSnapshot(), r => r.Id.Id == 3200 && r.Message.Contains("'flow' is now Unhealthy (was Healthy)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Polling_the_verdict_runs_no_probe()
    {
        ScriptedWork work = null!;
        var checkRuns = 0;
        await using var harness = WatchdogHarness.Create(
            o => o.HealthCheckTags.Add("broker"),
            (b, time) => b.AddWorkProbe("flow", (work = new ScriptedWork(time)).RunAsync),
            checks => checks.AddCheck("p2p", () =>
            {
                Interlocked.Increment(ref checkRuns);
                return HealthCheckResult.Healthy();
            }, ["broker"]));
        await harness.RoundAsync();

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(HealthStatus.Healthy, (await harness.VerdictAsync()).Status);
        }

        Assert.Equal(1, work.Runs);
        Assert.Equal(1, Volatile.Read(ref checkRuns));
    }

    [Fact]
    public async Task Health_checks_are_watched_by_name_and_tag_and_their_degraded_answer_counts()
    {
        var brokerStatus = HealthStatus.Healthy;
        await using var harness = WatchdogHarness.Create(
            o =>
            {
                o.HealthCheckTags.Add("broker");
                o.HealthChecks.Add("journal");
            },
            checks: checks => checks
                .AddCheck("amqp", () => new HealthCheckResult(brokerStatus, "certificate expires in 3 days"), ["broker"])
                .AddCheck("journal", () => HealthCheckResult.Healthy())
                .AddCheck("unwatched", () => HealthCheckResult.Unhealthy("not watched"))
                .AddCheck("leader", () => HealthCheckResult.Unhealthy("a standby"), ["ready"]));
        await harness.RoundsAsync(3);
        Assert.Equal(HealthStatus.Healthy, (await harness.VerdictAsync()).Status);

        brokerStatus = HealthStatus.Degraded;
        await harness.RoundsAsync(3);
        var verdict = await harness.VerdictAsync();

        Assert.Equal(HealthStatus.Degraded, verdict.Status);
        Assert.Contains("'amqp' is degraded: certificate expires in 3 days", verdict.Description, StringComparison.Ordinal);
        Assert.Equal("healthy", verdict.Data["journal.status"]);
        Assert.False(verdict.Data.ContainsKey("unwatched.status"));
        Assert.False(verdict.Data.ContainsKey("leader.status"));
        Assert.False(verdict.Data.ContainsKey("corda-watchdog.status"));
        Assert.Equal(2, verdict.Data["probes"]);
    }

    [Fact]
    public async Task The_watchdog_does_not_watch_its_own_verdict_even_when_tagged_like_the_checks_it_watches()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddHealthChecks()
            .AddCheck("amqp", () => HealthCheckResult.Healthy(), ["broker"])
            .AddCordaWatchdog(tags: ["broker"]);
        services.AddCordaHa(ha => ha.AddWatchdog(o => o.HealthCheckTags.Add("broker")));
        await using var provider = services.BuildServiceProvider();
        var watchdog = provider.GetRequiredService<Probes.Watchdog.Watchdog>();

        await watchdog.RunOnceAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["amqp"], watchdog.Verdict.Probes.Select(p => p.Name));
        Assert.Equal(HealthStatus.Healthy, watchdog.Verdict.Status);
    }
}
