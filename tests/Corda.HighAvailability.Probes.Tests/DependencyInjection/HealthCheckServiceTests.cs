using System.Net;
using System.Net.Sockets;
using Corda.HighAvailability.Diagnostics;
using Corda.HighAvailability.Probes.Telemetry;
using Corda.HighAvailability.Probes.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Corda.HighAvailability.Probes.Tests.DependencyInjection;

/// <summary>The probes as registered in a host's health checks: names, tags, failure status, the kept latency window, metrics.</summary>
public sealed class HealthCheckServiceTests
{
    [Fact]
    public async Task Registered_probes_run_under_their_names_tags_and_failure_status()
    {
        using var directory = new TempDirectory();
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var closedPort = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        try
        {
            var services = new ServiceCollection().AddLogging();
            services.AddHealthChecks()
                .AddCordaTcpProbe(o => { o.Host = "127.0.0.1"; o.Port = ((IPEndPoint)listener.LocalEndpoint).Port; }, name: "p2p", tags: ["ready"])
                .AddCordaTcpProbe(o => { o.Host = "127.0.0.1"; o.Port = closedPort; }, name: "rpc", failureStatus: HealthStatus.Degraded)
                .AddCordaJournalStorageProbe(o =>
                {
                    o.DirectoryPath = directory.Path;
                    o.MinimumFreeBytes = 1;
                    o.BlockSize = 4096;

                    // This test is about registration; a loaded CI machine must not turn a slow fsync into Degraded.
                    o.LatencyBudget = TimeSpan.FromSeconds(30);
                });
            await using var provider = services.BuildServiceProvider();
            using var collector = new MetricCollector<double>(provider.GetRequiredService<CordaHaInstrumentation>().Meter, ProbeMetrics.DurationName);
            var health = provider.GetRequiredService<HealthCheckService>();

            var first = await health.CheckHealthAsync(TestContext.Current.CancellationToken);
            var second = await health.CheckHealthAsync(TestContext.Current.CancellationToken);

            Assert.Equal(HealthStatus.Healthy, second.Entries["p2p"].Status);
            Assert.Contains("ready", second.Entries["p2p"].Tags);
            Assert.Equal(HealthStatus.Degraded, second.Entries["rpc"].Status);
            Assert.Equal(HealthStatus.Healthy, first.Entries["corda-journal-storage"].Status);
            // One check instance per registration keeps the latency window across runs.
            Assert.Equal(2, second.Entries["corda-journal-storage"].Data["latencySamples"]);
            var measurements = collector.GetMeasurementSnapshot();
            Assert.Equal(6, measurements.Count);
            Assert.Contains(measurements, m => (string?)m.Tags["corda_ha.probe.name"] == "rpc" && (string?)m.Tags["corda_ha.probe.status"] == "degraded" && (string?)m.Tags["corda_ha.probe.kind"] == "tcp");
            Assert.Contains(measurements, m => (string?)m.Tags["corda_ha.probe.kind"] == "journal_storage");
        }
        finally
        {
            listener.Stop();
        }
    }
}
