using Corda.HighAvailability.Probes.Watchdog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Probes.Tests.Watchdog;

/// <summary>Unusable options fail the host at start with a message naming the option.</summary>
public sealed class WatchdogOptionsTests
{
    public static TheoryData<string, string> BadOptions => new()
    {
        { "period-zero", "WatchdogOptions.Period must be positive" },
        { "timeout-above-period", "WatchdogOptions.ProbeTimeout must be positive and at most Period" },
        { "window-zero", "WatchdogOptions.WindowSize must be 1-10000 (was 0)" },
        { "window-huge", "WatchdogOptions.WindowSize must be 1-10000 (was 10001)" },
        { "window-shorter-than-period", "WatchdogOptions.WindowDuration must be at least Period" },
        { "minimum-samples-above-window", "WatchdogOptions.MinimumSamples must be 1-WindowSize (5) (was 6)" },
        { "worsen-zero", "WatchdogOptions.WorsenAfter must be at least 1 (was 0)" },
        { "recover-zero", "WatchdogOptions.RecoverAfter must be at least 1 (was 0)" },
        { "latency-zero", "WatchdogOptions.DegradedLatency must be positive" },
        { "latencies-out-of-order", "WatchdogOptions.UnhealthyLatency must be above DegradedLatency" },
        { "ratios-out-of-order", "WatchdogOptions.UnhealthyFailureRatio must be at least DegradedFailureRatio (0.6)" },
        { "ratio-above-one", "WatchdogOptions.DegradedFailureRatio must be above 0 and at most 1 (was 1.5)" },
        { "unknown-check", "WatchdogOptions.HealthChecks names 'brokr', which is not a registered health check" },
        { "own-verdict", "WatchdogOptions.HealthChecks names 'corda-watchdog', the watchdog's own verdict" },
        { "duplicate-probe", "Work probe 'flow' is registered twice, or has the name of a watched health check" },
        { "probe-named-like-check", "Work probe 'broker' is registered twice, or has the name of a watched health check" },
        { "nothing", "The watchdog has nothing to watch" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public async Task Unusable_options_fail_the_host_at_start_naming_the_option(string @case, string message)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddHealthChecks()
            .AddCheck("broker", () => HealthCheckResult.Healthy())
            .AddCordaWatchdog();
        builder.Services.AddCordaHa(ha =>
        {
            var watchdog = ha.AddWatchdog(o => Spoil(@case, o));
            if (@case != "nothing")
            {
                watchdog.AddWorkProbe("flow", (_, _) => ValueTask.CompletedTask);
            }

            if (@case == "duplicate-probe")
            {
                watchdog.AddWorkProbe("flow", (_, _) => ValueTask.CompletedTask);
            }

            if (@case == "probe-named-like-check")
            {
                watchdog.AddWorkProbe("broker", (_, _) => ValueTask.CompletedTask);
            }
        });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_defaults_are_valid()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddHealthChecks().AddCordaWatchdog();
        builder.Services.AddCordaHa(ha => ha.AddWatchdog().AddWorkProbe("flow", (_, _) => ValueTask.CompletedTask));
        using var host = builder.Build();

        await host.StartAsync(TestContext.Current.CancellationToken);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("bad\nname")]
    public void A_work_probe_needs_a_printable_name(string name)
    {
        var services = new ServiceCollection();
        services.AddCordaHa(ha => Assert.ThrowsAny<ArgumentException>(() => ha.AddWatchdog().AddWorkProbe(name, (_, _) => ValueTask.CompletedTask)));
    }

    private static void Spoil(string @case, WatchdogOptions o)
    {
        switch (@case)
        {
            case "period-zero": o.Period = TimeSpan.Zero; break;
            case "timeout-above-period": o.ProbeTimeout = TimeSpan.FromSeconds(11); break;
            case "window-zero": o.WindowSize = 0; break;
            case "window-huge": o.WindowSize = 10_001; break;
            case "window-shorter-than-period": o.WindowDuration = TimeSpan.FromSeconds(5); break;
            case "minimum-samples-above-window": o.WindowSize = 5; o.MinimumSamples = 6; break;
            case "worsen-zero": o.WorsenAfter = 0; break;
            case "recover-zero": o.RecoverAfter = 0; break;
            case "latency-zero": o.DegradedLatency = TimeSpan.Zero; break;
            case "latencies-out-of-order": o.UnhealthyLatency = TimeSpan.FromMilliseconds(500); break;
            case "ratios-out-of-order": o.DegradedFailureRatio = 0.6; o.UnhealthyFailureRatio = 0.4; break;
            case "ratio-above-one": o.DegradedFailureRatio = 1.5; o.UnhealthyFailureRatio = 1; break;
            case "unknown-check": o.HealthChecks.Add("brokr"); break;
            case "own-verdict": o.HealthChecks.Add(WatchdogHealthCheckBuilderExtensions.DefaultName); break;
            case "probe-named-like-check": o.HealthChecks.Add("broker"); break;
            default: break;
        }
    }
}
