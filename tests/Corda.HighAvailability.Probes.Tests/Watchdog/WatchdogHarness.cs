using Corda.HighAvailability.Probes.Watchdog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace Corda.HighAvailability.Probes.Tests.Watchdog;

/// <summary>
/// A service provider holding the watchdog on a <see cref="FakeTimeProvider"/>, with its verdict published as the
/// <c>corda-watchdog</c> health check. Rounds are run by the test, one at a time, without the hosted loop.
/// </summary>
internal sealed class WatchdogHarness : IAsyncDisposable
{
    private WatchdogHarness(ServiceProvider provider, FakeTimeProvider time)
    {
        Provider = provider;
        Time = time;
    }

    public ServiceProvider Provider { get; }

    public FakeTimeProvider Time { get; }

    public Probes.Watchdog.Watchdog Watchdog => Provider.GetRequiredService<Probes.Watchdog.Watchdog>();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static WatchdogHarness Create(
        Action<WatchdogOptions> configure,
        Action<WatchdogBuilder, FakeTimeProvider>? probes = null,
        Action<IHealthChecksBuilder>? checks = null,
        HealthStatus? failureStatus = null,
        Action<IServiceCollection>? services = null)
    {
        var time = new FakeTimeProvider();
        var collection = new ServiceCollection().AddLogging();
        services?.Invoke(collection);
        return Create(collection, time, configure, probes, checks, failureStatus);
    }

    private static WatchdogHarness Create(
        IServiceCollection services,
        FakeTimeProvider time,
        Action<WatchdogOptions> configure,
        Action<WatchdogBuilder, FakeTimeProvider>? probes,
        Action<IHealthChecksBuilder>? checks,
        HealthStatus? failureStatus)
    {
        services.AddSingleton<TimeProvider>(time);
        var health = services.AddHealthChecks();
        checks?.Invoke(health);
        health.AddCordaWatchdog(failureStatus: failureStatus);
        services.AddCordaHa(ha =>
        {
            var watchdog = ha.AddWatchdog(configure);
            probes?.Invoke(watchdog, time);
        });
        return new WatchdogHarness(services.BuildServiceProvider(), time);
    }

    public Task RoundAsync() => Watchdog.RunOnceAsync(Ct);

    public async Task RoundsAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await RoundAsync();
        }
    }

    /// <summary>The verdict as a load balancer polls it: the <c>corda-watchdog</c> check through the health check service.</summary>
    public async Task<HealthReportEntry> VerdictAsync()
    {
        var report = await Provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(
            r => r.Name == WatchdogHealthCheckBuilderExtensions.DefaultName, Ct);
        var entry = report.Entries[WatchdogHealthCheckBuilderExtensions.DefaultName];
        TestContext.Current.TestOutputHelper?.WriteLine($"{entry.Status}: {entry.Description}");
        return entry;
    }

    public ValueTask DisposeAsync() => Provider.DisposeAsync();
}

/// <summary>A work probe whose latency (on the fake clock) and failure the test sets before each round.</summary>
internal sealed class ScriptedWork(FakeTimeProvider time)
{
    private int _runs;

    public TimeSpan Latency { get; set; } = TimeSpan.FromMilliseconds(50);

    public bool Fail { get; set; }

    public int Runs => Volatile.Read(ref _runs);

    public ValueTask RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _runs);
        time.Advance(Latency);
        if (Fail)
        {
            throw new IOException("RPC connection reset by peer");
        }

        return ValueTask.CompletedTask;
    }
}
