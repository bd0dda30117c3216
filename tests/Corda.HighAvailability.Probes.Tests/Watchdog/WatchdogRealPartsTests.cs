using Corda.HighAvailability.Probes.Watchdog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Corda.HighAvailability.Probes.Tests.Watchdog;

/// <summary>
/// The watchdog in a real host on the system clock, over real loopback servers: the TCP probe against a listener that
/// is closed and reopened, and a user work probe making real round trips to an echo server that slows down and stops.
/// </summary>
public sealed class WatchdogRealPartsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_closed_broker_port_turns_the_verdict_unhealthy_after_the_hysteresis_and_its_reopening_healthy_again()
    {
        using var broker = new LoopbackListener();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddHealthChecks()
            .AddCordaTcpProbe(o => { o.Host = "127.0.0.1"; o.Port = broker.Port; o.Timeout = TimeSpan.FromSeconds(1); }, name: "p2p", tags: ["watched"])
            .AddCordaWatchdog(tags: ["ready"]);
        builder.Services.AddCordaHa(ha => ha.AddWatchdog(o =>
        {
            o.HealthCheckTags.Add("watched");
            o.Period = TimeSpan.FromMilliseconds(250);
            o.ProbeTimeout = TimeSpan.FromMilliseconds(250);
            o.DegradedLatency = TimeSpan.FromSeconds(1); // A loaded test machine may connect slowly; this test is about refusals.
            o.WindowSize = 10;
            o.DegradedFailureRatio = 0.3;
        }));
        using var host = builder.Build();
        await host.StartAsync(Ct);
        await WaitForAsync(host, HealthStatus.Healthy);

        broker.Stop();
        var unhealthy = await WaitForAsync(host, HealthStatus.Unhealthy);

        Assert.InRange((int)unhealthy.Data["p2p.consecutiveFailures"], 3, int.MaxValue); // WorsenAfter refusals in a row.
        Assert.Contains("'p2p' is unhealthy", unhealthy.Description, StringComparison.Ordinal);
        Assert.Contains("refused", unhealthy.Description, StringComparison.Ordinal);

        broker.Start();
        var healthy = await WaitForAsync(host, HealthStatus.Healthy);

        Assert.Equal(0, healthy.Data["p2p.consecutiveFailures"]);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task A_work_probe_doing_real_round_trips_is_degraded_when_they_slow_down_and_unhealthy_when_the_server_stops()
    {
        using var echo = new EchoServer();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(new EchoEndpoint("127.0.0.1", echo.Port));
        builder.Services.AddHealthChecks().AddCordaWatchdog();
        builder.Services.AddCordaHa(ha => ha
            .AddWatchdog(o =>
            {
                o.Period = TimeSpan.FromMilliseconds(700);
                o.ProbeTimeout = TimeSpan.FromMilliseconds(700);
                o.DegradedLatency = TimeSpan.FromMilliseconds(300);
            })
            .AddWorkProbe<EchoRoundTripProbe>("no-op-flow"));
        using var host = builder.Build();
        await host.StartAsync(Ct);
        await WaitForAsync(host, HealthStatus.Healthy);

        echo.Delay = TimeSpan.FromMilliseconds(450);
        var degraded = await WaitForAsync(host, HealthStatus.Degraded);
        Assert.Contains("'no-op-flow' is degraded", degraded.Description, StringComparison.Ordinal);
        Assert.Contains("above DegradedLatency (300 ms)", degraded.Description, StringComparison.Ordinal);

        echo.Stop();
        var unhealthy = await WaitForAsync(host, HealthStatus.Unhealthy);
        Assert.Contains("SocketException", unhealthy.Description, StringComparison.Ordinal);
        Assert.Equal("failure", unhealthy.Data["no-op-flow.lastOutcome"]);
        await host.StopAsync(Ct);
    }

    /// <summary>Polls the watchdog's verdict as a load balancer would until it reads <paramref name="status"/>.</summary>
    internal static async Task<HealthReportEntry> WaitForAsync(IHost host, HealthStatus status)
    {
        const string name = WatchdogHealthCheckBuilderExtensions.DefaultName;
        var report = await WaitForAsync(host, status, r => r.Name == name, name);
        return report.Entries[name];
    }

    /// <summary>Polls the checks tagged <paramref name="tag"/> until their report reads <paramref name="status"/>.</summary>
    internal static Task<HealthReport> WaitForAsync(IHost host, HealthStatus status, string tag) =>
        WaitForAsync(host, status, r => r.Tags.Contains(tag), "tag " + tag);

    private static async Task<HealthReport> WaitForAsync(IHost host, HealthStatus status, Func<HealthCheckRegistration, bool> predicate, string what)
    {
        var health = host.Services.GetRequiredService<HealthCheckService>();
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var report = await health.CheckHealthAsync(predicate, Ct);
            var described = string.Join("; ", report.Entries.Select(e => $"{e.Key} {e.Value.Status}: {e.Value.Description}"));
            if (report.Status == status)
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"{TimeProvider.System.GetElapsedTime(started).TotalSeconds:0.0} s: {what} {report.Status}: {described}");
                return report;
            }

            Assert.True(TimeProvider.System.GetElapsedTime(started) < Wait, $"{what} did not turn {status} within {Wait.TotalSeconds} s; last: {report.Status}: {described}");
            await Task.Delay(20, Ct);
        }
    }
}
