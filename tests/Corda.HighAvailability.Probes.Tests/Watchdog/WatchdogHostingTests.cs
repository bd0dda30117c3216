using System.Diagnostics;
using Corda.HighAvailability.Diagnostics;
using Corda.HighAvailability.Probes.Watchdog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Corda.HighAvailability.Probes.Tests.Watchdog;

/// <summary>The watchdog in a host: its loop on the host's clock, its metrics and activities.</summary>
public sealed class WatchdogHostingTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_first_round_runs_at_start_and_the_next_ones_every_period_on_the_hosts_clock()
    {
        var time = new FakeTimeProvider();
        var work = new ScriptedWork(time);
        using var host = BuildHost(time, work, "loop-" + Guid.NewGuid().ToString("N"));
        await host.StartAsync(Ct);

        await WaitUntilAsync(() => work.Runs == 1);
        await Task.Delay(200, Ct);
        Assert.Equal(1, work.Runs); // Nothing more until the period passes on the host's clock.
        time.Advance(TimeSpan.FromSeconds(10));
        await WaitUntilAsync(() => work.Runs == 2);
        time.Advance(TimeSpan.FromSeconds(10));
        await WaitUntilAsync(() => work.Runs == 3);

        await host.StopAsync(Ct);
        time.Advance(TimeSpan.FromSeconds(30));
        await Task.Delay(200, Ct);
        Assert.Equal(3, work.Runs);
    }

    [Fact]
    public async Task Runs_are_measured_counted_and_traced_and_the_status_is_a_gauge()
    {
        var time = new FakeTimeProvider();
        var work = new ScriptedWork(time) { Latency = TimeSpan.FromMilliseconds(250) };
        var name = "metrics-" + Guid.NewGuid().ToString("N");
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CordaHaDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if ((string?)activity.GetTagItem(WatchdogMetrics.ProbeTag) == name)
                {
                    lock (activities)
                    {
                        activities.Add(activity);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var host = BuildHost(time, work, name);
        var meter = host.Services.GetRequiredService<CordaHaInstrumentation>().Meter;
        using var durations = new MetricCollector<double>(meter, WatchdogMetrics.DurationName);
        using var failures = new MetricCollector<long>(meter, WatchdogMetrics.FailuresName);
        using var status = new MetricCollector<int>(meter, WatchdogMetrics.StatusName);
        await host.StartAsync(Ct);
        await WaitForRoundAsync(host, 1);

        work.Fail = true;
        for (var i = 2; i <= 4; i++)
        {
            await WaitForRoundAsync(host, i - 1);
            time.Advance(TimeSpan.FromSeconds(10));
            await WaitUntilAsync(() => work.Runs == i);
        }

        await WaitForRoundAsync(host, 4);
        status.RecordObservableInstruments();
        await host.StopAsync(Ct);

        var measured = durations.GetMeasurementSnapshot();
        Assert.Equal(4, measured.Count);
        Assert.All(measured, m => Assert.Equal(0.25, m.Value, 6));
        Assert.All(measured, m => Assert.Equal(name, m.Tags[WatchdogMetrics.ProbeTag]));
        Assert.All(measured, m => Assert.Equal("work", m.Tags[WatchdogMetrics.KindTag]));
        Assert.Equal(["success", "failure", "failure", "failure"], measured.Select(m => (string?)m.Tags[WatchdogMetrics.OutcomeTag]));
        Assert.Equal(3, failures.GetMeasurementSnapshot().Sum(m => m.Value));
        var gauge = status.GetMeasurementSnapshot();
        Assert.Contains(gauge, m => m.Value == 2 && (string?)m.Tags.GetValueOrDefault(WatchdogMetrics.ProbeTag) == name);
        Assert.Contains(gauge, m => m.Value == 2 && !m.Tags.ContainsKey(WatchdogMetrics.ProbeTag));
        lock (activities)
        {
            Assert.Equal(4, activities.Count);
            Assert.All(activities, a => Assert.Equal(WatchdogMetrics.ActivityName, a.OperationName));
            Assert.Equal(3, activities.Count(a => a.Status == ActivityStatusCode.Error && (string?)a.GetTagItem(WatchdogMetrics.OutcomeTag) == "failure"));
        }
    }

    private static IHost BuildHost(FakeTimeProvider time, ScriptedWork work, string name)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddHealthChecks().AddCordaWatchdog();
        builder.Services.AddCordaHa(ha => ha.AddWatchdog().AddWorkProbe(name, work.RunAsync));
        return builder.Build();
    }

    /// <summary>Waits until the verdict holds <paramref name="samples"/> runs: the round has been judged.</summary>
    private static Task WaitForRoundAsync(IHost host, int samples)
    {
        var watchdog = host.Services.GetRequiredService<Probes.Watchdog.Watchdog>();
        return WaitUntilAsync(() => watchdog.Verdict.Probes[0].Window.Samples == samples);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            Assert.True(TimeProvider.System.GetElapsedTime(started) < Wait, "the condition did not become true within 30 s");
            await Task.Delay(10, Ct);
        }
    }
}
