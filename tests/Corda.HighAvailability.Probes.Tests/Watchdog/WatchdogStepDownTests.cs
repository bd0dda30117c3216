using Corda.HighAvailability.LeaseElection;
using Corda.HighAvailability.LeaseElection.Policies;
using Corda.HighAvailability.Probes.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Corda.HighAvailability.Probes.Tests.Watchdog;

/// <summary>
/// The watchdog's verdict feeding lease election's <c>StepDownWhenUnhealthy</c>: two real hosts elect over one real
/// SQLite file, each watching its own broker port; when the leader's broker stops answering, its watchdog turns
/// Unhealthy and the leader steps down, and the healthy standby takes over. Readiness follows.
/// </summary>
public sealed class WatchdogStepDownTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _directory = new();
    private readonly string _leaseName = "watchdog-" + Guid.NewGuid().ToString("N")[..12];

    private const string ReadyTag = "ready";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_leader_whose_watchdog_turns_unhealthy_steps_down_and_a_healthy_standby_takes_over()
    {
        using var brokerA = new LoopbackListener();
        using var brokerB = new LoopbackListener();
        using var hostA = BuildHost("a", brokerA.Port);
        using var hostB = BuildHost("b", brokerB.Port);
        var electorA = hostA.Services.GetRequiredService<ILeaseElector>();
        var electorB = hostB.Services.GetRequiredService<ILeaseElector>();
        var steppedDown = new TaskCompletionSource<LeadershipTransitionKind>(TaskCreationOptions.RunContinuationsAsynchronously);
        electorA.StoppedLeading += (_, e) => steppedDown.TrySetResult(e.Kind);

        await hostA.StartAsync(Ct);
        await electorA.WaitForLeadershipAsync(Ct).WaitAsync(Wait, Ct);
        await hostB.StartAsync(Ct);
        await WatchdogRealPartsTests.WaitForAsync(hostB, HealthStatus.Healthy);
        await WatchdogRealPartsTests.WaitForAsync(hostA, HealthStatus.Healthy, ReadyTag);
        Assert.Equal(HealthStatus.Unhealthy, (await ReadinessAsync(hostB)).Status); // A healthy standby is not ready.
        Assert.False(electorB.IsLeader);

        brokerA.Stop();
        var kind = await steppedDown.Task.WaitAsync(Wait, Ct);
        await electorB.WaitForLeadershipAsync(Ct).WaitAsync(Wait, Ct);

        Assert.Equal(LeadershipTransitionKind.Released, kind); // Stepped down and gave the lease back, not lost it.
        Assert.False(electorA.IsLeader);
        var verdictA = await WatchdogRealPartsTests.WaitForAsync(hostA, HealthStatus.Unhealthy);
        Assert.Contains("'broker' is unhealthy", verdictA.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Unhealthy, (await ReadinessAsync(hostA)).Status);
        await WatchdogRealPartsTests.WaitForAsync(hostB, HealthStatus.Healthy, ReadyTag);

        // A's broker back: A is healthy again, as a standby; B keeps leading (no flapping back).
        brokerA.Start();
        await WatchdogRealPartsTests.WaitForAsync(hostA, HealthStatus.Healthy);
        Assert.True(electorB.IsLeader);
        Assert.False(electorA.IsLeader);

        await hostB.StopAsync(Ct);
        await hostA.StopAsync(Ct);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    private static async Task<HealthReport> ReadinessAsync(IHost host) =>
        await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains(ReadyTag), Ct);

    /// <summary>A node host as the README wires it: readiness = leader and broker healthy (through the watchdog).</summary>
    private IHost BuildHost(string identity, int brokerPort)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddHealthChecks()
            .AddCordaTcpProbe(o => { o.Host = "127.0.0.1"; o.Port = brokerPort; o.Timeout = TimeSpan.FromMilliseconds(400); }, name: "broker", tags: ["watchdog"])
            .AddCordaWatchdog(tags: [HealthCheckFailoverPolicyOptions.DefaultTag, ReadyTag])
            .AddCordaLeaseLeader(tags: [ReadyTag]);
        builder.Services.AddCordaHa(ha =>
        {
            ha.AddLeaseElection(o =>
                {
                    o.LeaseName = _leaseName;
                    o.Identity = identity;
                    o.LeaseDuration = TimeSpan.FromSeconds(4);
                    o.RenewDeadline = TimeSpan.FromSeconds(2.5);
                    o.RetryPeriod = TimeSpan.FromSeconds(0.5);
                    o.AutoCreateSchema = true;
                })
                .UseSqlite($"Data Source={_directory.File("ha.db")}")
                .StepDownWhenUnhealthy(o =>
                {
                    o.CheckInterval = TimeSpan.FromMilliseconds(250);
                    o.StepDownAfter = TimeSpan.Zero; // The watchdog's hysteresis already damps it.
                });
            ha.AddWatchdog(o =>
            {
                o.HealthCheckTags.Add("watchdog");
                o.Period = TimeSpan.FromMilliseconds(500);
                o.ProbeTimeout = TimeSpan.FromMilliseconds(500);
                o.DegradedLatency = TimeSpan.FromSeconds(1);
            });
        });
        return builder.Build();
    }
}
