using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Corda.HighAvailability.Benchmarks.Watchdog;

/// <summary>
/// What one load-balancer poll costs through <see cref="HealthCheckService"/>: the watchdog's verdict (which runs
/// nothing) against running the TCP probe it watches (baseline: a real loopback connect per poll). Each poll checks
/// the answer is Healthy, so a benchmark that stopped doing the work fails instead.
/// </summary>
[MemoryDiagnoser]
public class WatchdogPollBenchmarks
{
    private TcpListener _listener = null!;
    private ServiceProvider _provider = null!;
    private HealthCheckService _health = null!;
    private IHostedService[] _hosted = [];

    [GlobalSetup]
    public void Setup()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _ = AcceptAsync(_listener);
        var port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        var services = new ServiceCollection().AddLogging();
        services.AddHealthChecks()
            .AddCordaTcpProbe(o => { o.Host = "127.0.0.1"; o.Port = port; }, name: "broker", tags: ["watchdog"])
            .AddCordaWatchdog();
        services.AddCordaHa(ha => ha.AddWatchdog(o => o.HealthCheckTags.Add("watchdog")));
        _provider = services.BuildServiceProvider();
        _health = _provider.GetRequiredService<HealthCheckService>();
        _hosted = [.. _provider.GetServices<IHostedService>()];
        foreach (var service in _hosted)
        {
            service.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        }

        // The first round runs at start; wait for its verdict.
        for (var i = 0; i < 500 && PollAsync("corda-watchdog").GetAwaiter().GetResult() != HealthStatus.Healthy; i++)
        {
            Thread.Sleep(10);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var service in _hosted)
        {
            service.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        }

        _provider.Dispose();
        _listener.Stop();
    }

    [Benchmark(Baseline = true, Description = "poll the TCP probe (runs it)")]
    public Task<HealthStatus> PollProbe() => CheckedPollAsync("broker");

    [Benchmark(Description = "poll the watchdog verdict")]
    public Task<HealthStatus> PollVerdict() => CheckedPollAsync("corda-watchdog");

    private async Task<HealthStatus> CheckedPollAsync(string name)
    {
        var status = await PollAsync(name);
        return status == HealthStatus.Healthy ? status : throw new InvalidOperationException($"{name} is {status}");
    }

    private async Task<HealthStatus> PollAsync(string name) =>
        (await _health.CheckHealthAsync(r => r.Name == name)).Entries[name].Status;

    private static async Task AcceptAsync(TcpListener listener)
    {
        while (true)
        {
            try
            {
                using var client = await listener.AcceptSocketAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }
}
