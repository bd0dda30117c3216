using Corda.HighAvailability.Artemis.Jolokia;
using Corda.HighAvailability.Diagnostics;
using Corda.HighAvailability.Probes.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Corda.HighAvailability.Artemis.Tests.Jolokia;

/// <summary>
/// The Jolokia probe against a real Jolokia agent whose MBeans carry Artemis' object and attribute names (see
/// <see cref="JolokiaFixture"/>); each test starts from a healthy live broker and changes what it needs.
/// </summary>
public sealed class JolokiaProbeTests(JolokiaFixture fixture) : IClassFixture<JolokiaFixture>, IAsyncLifetime
{
    private const string Inbox = "p2p.inbound.DLBeSa6P2ZuVq8Qd2y2ZpM4Jq1t8KSWBAb2tt9nW3Y1kG6";
    private const string PeerQueue = "internal.peers.DLFpLzDugV3Rf8nCV7QpVbX5Qzuw2hK8Rk7T1UcNxBQvFo";

    public async ValueTask InitializeAsync()
    {
        fixture.SkipIfMissing();
        await fixture.ResetAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task A_live_active_broker_is_healthy_with_every_attribute_and_queue_depth_in_the_data()
    {
        var result = await JolokiaRun.OnceAsync(Options());

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("P2P", result.Data["broker"]);
        Assert.Equal(true, result.Data["active"]);
        Assert.Equal(true, result.Data["started"]);
        Assert.Equal(false, result.Data["backup"]);
        Assert.Equal(true, result.Data["replicaSync"]);
        Assert.Equal(12L, result.Data["addressMemoryUsagePercentage"]);
        Assert.Equal(0.35, result.Data["diskStoreUsage"]);
        Assert.Equal(35.0, result.Data["diskStoreUsagePercent"]);
        Assert.Equal("2.19.1", result.Data["version"]);
        Assert.Equal(200, result.Data["httpStatus"]);
        Assert.Equal(0L, result.Data[$"queue:{Inbox}"]);
        Assert.Equal(0L, result.Data[$"queue:{PeerQueue}"]);
        // Only queue controls match (their addresses also have a MessageCount), and only the prefixes asked for.
        Assert.Equal(2, result.Data["queuesMatched:internal.bridge."]);
        Assert.Equal(1, result.Data["queuesMatched:p2p.inbound."]);
        Assert.DoesNotContain("queue:rpc.server", result.Data.Keys);
        Assert.Contains("Broker 'P2P' (Artemis 2.19.1): started, active, live, replica in sync, address memory 12 %, disk store 35 %.", result.Description, StringComparison.Ordinal);
        Assert.Contains("4 queues read", result.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("notSupported", result.Data.Keys);
    }

    [Fact]
    public async Task A_backup_is_unhealthy_so_a_load_balancer_sends_it_no_traffic()
    {
        await fixture.CommandAsync("set Backup true");
        await fixture.CommandAsync("set Active false");

        var result = await JolokiaRun.OnceAsync(Options());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("Broker 'P2P' is a backup: a load balancer must not send traffic to it", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backup_is_healthy_when_the_probe_expects_one_and_a_live_broker_is_then_degraded()
    {
        await fixture.CommandAsync("set Backup true");
        await fixture.CommandAsync("set Active false");

        var standby = await JolokiaRun.OnceAsync(Options(o => o.ExpectBackup = true));

        Assert.Equal(HealthStatus.Healthy, standby.Status);
        Assert.Contains("started, not active, backup", standby.Description, StringComparison.Ordinal);

        await fixture.CommandAsync("set Backup false");
        await fixture.CommandAsync("set Active true");
        var failedOver = await JolokiaRun.OnceAsync(Options(o => o.ExpectBackup = true));

        Assert.Equal(HealthStatus.Degraded, failedOver.Status);
        Assert.Contains("was expected to be a backup but is not (it is active): a failover happened", failedOver.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Started", "Broker 'P2P' is not started")]
    [InlineData("Active", "Broker 'P2P' is started but not active")]
    public async Task A_broker_not_started_or_not_active_is_unhealthy(string attribute, string expected)
    {
        await fixture.CommandAsync($"set {attribute} false");

        var result = await JolokiaRun.OnceAsync(Options());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains(expected, result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replica_out_of_sync_is_degraded_when_replication_is_expected_and_only_reported_otherwise()
    {
        await fixture.CommandAsync("set ReplicaSync false");

        var replicated = await JolokiaRun.OnceAsync(Options(o => o.ExpectReplication = true));
        var standalone = await JolokiaRun.OnceAsync(Options());

        Assert.Equal(HealthStatus.Degraded, replicated.Status);
        Assert.Contains("reports ReplicaSync=false: the replica has not finished synchronising", replicated.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, standalone.Status);
        Assert.Equal(false, standalone.Data["replicaSync"]);
    }

    [Theory]
    [InlineData("AddressMemoryUsagePercentage", "85", HealthStatus.Degraded, "Address memory at 85 % of global-max-size; at 100 % Artemis pages, blocks or drops messages (warning at 80 %).")]
    [InlineData("AddressMemoryUsagePercentage", "97", HealthStatus.Unhealthy, "Address memory at 97 % of global-max-size; at 100 % Artemis pages, blocks or drops messages (critical at 95 %).")]
    [InlineData("DiskStoreUsage", "0.84", HealthStatus.Degraded, "Disk store at 84 % used; at max-disk-usage Artemis stops accepting messages (warning at 80 %).")]
    [InlineData("DiskStoreUsage", "0.93", HealthStatus.Unhealthy, "Disk store at 93 % used; at max-disk-usage Artemis stops accepting messages (critical at 90 %).")]
    public async Task Memory_and_disk_pressure_are_degraded_over_the_warning_and_unhealthy_over_the_critical_threshold(
        string attribute, string value, HealthStatus expected, string description)
    {
        await fixture.CommandAsync($"set {attribute} {value}");

        var result = await JolokiaRun.OnceAsync(Options());

        Assert.Equal(expected, result.Status);
        Assert.Contains(description, result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Queue_build_up_over_a_prefix_threshold_is_degraded_naming_the_queue()
    {
        const string secondInbox = "p2p.inbound.DLSecondInboxQueueForTheTest";
        await fixture.CommandAsync($"queue {Inbox} 5000");
        await fixture.CommandAsync($"queue {secondInbox} 1200");
        await fixture.CommandAsync($"queue {PeerQueue} 999");
        await fixture.CommandAsync("queue rpc.server 1000000");

        var result = await JolokiaRun.OnceAsync(Options());

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains(
            $"Queue build-up over 1000 messages (threshold of prefix 'p2p.inbound.'): {Inbox} (5000 messages), {secondInbox} (1200 messages).",
            result.Description,
            StringComparison.Ordinal);
        Assert.DoesNotContain("internal.peers", result.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("rpc.server", result.Description, StringComparison.Ordinal);
        Assert.Equal(5000L, result.Data[$"queue:{Inbox}"]);
        Assert.Equal(999L, result.Data[$"queue:{PeerQueue}"]);
        Assert.Equal(2, result.Data["queuesMatched:p2p.inbound."]);
    }

    [Fact]
    public async Task A_prefix_without_queues_reads_as_none_not_as_an_error()
    {
        var result = await JolokiaRun.OnceAsync(Options(o => o.QueueThresholds["internal.nothing.here."] = 1));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(0, result.Data["queuesMatched:internal.nothing.here."]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("P2P")]
    public async Task An_attribute_an_older_broker_lacks_is_reported_as_not_supported_and_is_not_fatal(string? brokerName)
    {
        // By name Jolokia answers 404 AttributeNotFoundException, by pattern (BrokerName unset) 400.
        await fixture.CommandAsync("drop ReplicaSync");
        await fixture.CommandAsync("drop AddressMemoryUsagePercentage");

        var result = await JolokiaRun.OnceAsync(Options(o =>
        {
            o.BrokerName = brokerName;
            o.ExpectReplication = true;
        }));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("AddressMemoryUsagePercentage, ReplicaSync", result.Data["notSupported"]);
        Assert.Contains("Not supported by this broker (not judged): AddressMemoryUsagePercentage, ReplicaSync.", result.Description, StringComparison.Ordinal);
        Assert.Equal(true, result.Data["active"]);
        Assert.DoesNotContain("replicaSync", result.Data.Keys);
    }

    [Fact]
    public async Task A_wrong_password_is_unhealthy_as_credentials_refused_without_the_password_anywhere()
    {
        const string wrong = "Wr0ng-Passw0rd-Value";

        var result = await JolokiaRun.OnceAsync(Options(o => o.Password = wrong));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("Credentials refused by", result.Description, StringComparison.Ordinal);
        Assert.Contains("(HTTP 401) for user 'probe': wrong user name or password.", result.Description, StringComparison.Ordinal);
        Assert.Equal(401, result.Data["httpStatus"]);
        var everything = JolokiaRun.Everything(result);
        Assert.DoesNotContain(wrong, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(JolokiaFixture.Password, everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_credentials_is_unhealthy_saying_which_options_to_set()
    {
        var result = await JolokiaRun.OnceAsync(Options(o =>
        {
            o.UserName = null;
            o.Password = null;
        }));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("the agent requires a user; set JolokiaProbeOptions.UserName and Password.", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_probe_sends_the_Origin_that_Artemis_requires_and_a_refused_origin_is_unhealthy_naming_the_option()
    {
        // Artemis' CORS policy (strict checking) in the real agent refuses valid credentials without an Origin.
        using (var http = new HttpClient())
        using (var bare = new HttpRequestMessage(HttpMethod.Post, fixture.Console) { Content = new StringContent("[]", System.Text.Encoding.UTF8, "application/json") })
        {
            bare.Headers.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{JolokiaFixture.User}:{JolokiaFixture.Password}")));
            using var reply = await http.SendAsync(bare, TestContext.Current.CancellationToken);
            Assert.Contains("Origin null is not allowed to call this agent", await reply.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        var result = await JolokiaRun.OnceAsync(Options());

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal($"http://localhost:{fixture.Port}", await fixture.CommandAsync("origin"));

        // By address, the derived origin is not one the policy allows; the operator is told which option to set.
        var byAddress = new Uri($"http://127.0.0.1:{fixture.Port}/console/jolokia");
        var refused = await JolokiaRun.OnceAsync(Options(o => o.Endpoint = byAddress));

        Assert.Equal(HealthStatus.Unhealthy, refused.Status);
        Assert.Equal(403, refused.Data["jolokiaStatus"]);
        Assert.Contains($"refused the request (status 403: java.lang.Exception : Origin http://127.0.0.1:{fixture.Port} is not allowed to call this agent)", refused.Description, StringComparison.Ordinal);
        Assert.Contains("set JolokiaProbeOptions.Origin to an allowed origin", refused.Description, StringComparison.Ordinal);

        var allowed = await JolokiaRun.OnceAsync(Options(o =>
        {
            o.Endpoint = byAddress;
            o.Origin = "http://localhost";
        }));

        Assert.Equal(HealthStatus.Healthy, allowed.Status);
        Assert.Equal("http://localhost", await fixture.CommandAsync("origin"));
    }

    [Fact]
    public async Task A_node_s_embedded_agent_path_works_with_the_broker_named()
    {
        var result = await JolokiaRun.OnceAsync(Options(o =>
        {
            o.Endpoint = fixture.Embedded;
            o.BrokerName = "P2P";
        }));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(fixture.Embedded.ToString(), result.Data["endpoint"]);
        Assert.Equal(0L, result.Data[$"queue:{Inbox}"]);
    }

    [Fact]
    public async Task Several_brokers_need_a_BrokerName_and_an_unknown_one_is_named()
    {
        // A Corda node's agent has two brokers, P2P and RPC.
        await fixture.CommandAsync("broker RPC");

        var ambiguous = await JolokiaRun.OnceAsync(Options());
        var rpc = await JolokiaRun.OnceAsync(Options(o =>
        {
            o.BrokerName = "RPC";
            o.QueueThresholds.Clear();
        }));
        var unknown = await JolokiaRun.OnceAsync(Options(o => o.BrokerName = "Nope"));

        Assert.Equal(HealthStatus.Unhealthy, ambiguous.Status);
        Assert.Contains("This agent has several brokers (found: 'P2P', 'RPC'): set JolokiaProbeOptions.BrokerName", ambiguous.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, rpc.Status);
        Assert.Equal("RPC", rpc.Data["broker"]);
        Assert.Equal(HealthStatus.Unhealthy, unknown.Status);
        Assert.Contains("No broker named 'Nope' on this agent (found: 'P2P', 'RPC')", unknown.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_broker_MBean_on_the_agent_is_unhealthy()
    {
        await fixture.CommandAsync("unbroker P2P");

        var result = await JolokiaRun.OnceAsync(Options());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("No Artemis broker MBean (org.apache.activemq.artemis:broker=...) on this agent", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_path_without_an_agent_is_unhealthy_naming_the_paths()
    {
        var result = await JolokiaRun.OnceAsync(Options(o => o.Endpoint = new Uri($"http://localhost:{fixture.Port}/hawtio/jolokia")));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("): check the path (/console/jolokia for a standalone broker, /jolokia/ for a node's agent).", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Https_with_a_private_CA_is_healthy_when_its_bundle_is_trusted_and_unhealthy_otherwise()
    {
        var trusted = await JolokiaRun.OnceAsync(Options(o =>
        {
            o.Endpoint = fixture.SecureConsole;
            o.TrustedCaBundlePath = fixture.CaBundlePath;
        }));
        var untrusted = await JolokiaRun.OnceAsync(Options(o => o.Endpoint = fixture.SecureConsole));
        var missing = Path.Combine(Path.GetTempPath(), $"corda-ha-no-such-bundle-{Guid.NewGuid():N}.pem");
        var unreadable = await JolokiaRun.OnceAsync(Options(o =>
        {
            o.Endpoint = fixture.SecureConsole;
            o.TrustedCaBundlePath = missing;
        }));

        Assert.Equal(HealthStatus.Healthy, trusted.Status);
        Assert.Equal($"https://localhost:{fixture.TlsPort}", trusted.Data["origin"]);
        Assert.Equal(HealthStatus.Unhealthy, untrusted.Status);
        Assert.Contains($"The TLS handshake with {fixture.SecureConsole} failed", untrusted.Description, StringComparison.Ordinal);
        Assert.Contains("TrustedCaBundlePath", untrusted.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Unhealthy, unreadable.Status);
        Assert.Contains($"The CA bundle {missing} could not be read", unreadable.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_probe_is_one_bulk_POST_and_twenty_probes_share_one_connection()
    {
        var connectionsBefore = await fixture.CountAsync("connections");
        using var check = new JolokiaProbeHealthCheck(Options());

        for (var i = 0; i < 20; i++)
        {
            var result = await JolokiaRun.OnceAsync(check);
            Assert.Equal(HealthStatus.Healthy, result.Status);
        }

        Assert.Equal(20, await fixture.CountAsync("requests"));
        Assert.Equal(0, await fixture.CountAsync("refused"));
        Assert.Equal(1, await fixture.CountAsync("connections") - connectionsBefore);
    }

    [Fact]
    public async Task Registered_with_AddCordaArtemisJolokiaProbe_it_runs_under_its_name_keeps_its_connection_and_records_the_metric()
    {
        var connectionsBefore = await fixture.CountAsync("connections");
        var services = new ServiceCollection().AddLogging();
        services.AddHealthChecks().AddCordaArtemisJolokiaProbe(
            o =>
            {
                o.Endpoint = fixture.Console;
                o.UserName = JolokiaFixture.User;
                o.Password = JolokiaFixture.Password;
                o.BrokerName = "P2P";
                o.QueueThresholds["p2p.inbound."] = 1000;
            },
            name: "p2p-broker",
            tags: ["ready"]);
        var provider = services.BuildServiceProvider();
        await using (provider)
        {
            using var collector = new MetricCollector<double>(provider.GetRequiredService<CordaHaInstrumentation>().Meter, ProbeMetrics.DurationName);
            var health = provider.GetRequiredService<HealthCheckService>();

            await fixture.CommandAsync($"queue {Inbox} 4000");
            var first = await health.CheckHealthAsync(TestContext.Current.CancellationToken);
            var second = await health.CheckHealthAsync(TestContext.Current.CancellationToken);

            var entry = second.Entries["p2p-broker"];
            Assert.Equal(HealthStatus.Degraded, first.Entries["p2p-broker"].Status);
            Assert.Equal(HealthStatus.Degraded, entry.Status);
            Assert.Contains("ready", entry.Tags);
            Assert.Equal(4000L, entry.Data[$"queue:{Inbox}"]);
            // One check (and connection) per registration, not one per run.
            Assert.Equal(1, await fixture.CountAsync("connections") - connectionsBefore);
            var measurements = collector.GetMeasurementSnapshot();
            Assert.Equal(2, measurements.Count);
            Assert.All(measurements, m =>
            {
                Assert.Equal("jolokia", m.Tags[ProbeMetrics.KindTag]);
                Assert.Equal("p2p-broker", m.Tags[ProbeMetrics.NameTag]);
                Assert.Equal("degraded", m.Tags[ProbeMetrics.StatusTag]);
            });
        }
    }

    private JolokiaProbeOptions Options(Action<JolokiaProbeOptions>? configure = null)
    {
        var options = new JolokiaProbeOptions
        {
            Endpoint = fixture.Console,
            UserName = JolokiaFixture.User,
            Password = JolokiaFixture.Password,
            Timeout = TimeSpan.FromSeconds(20),
        };
        options.QueueThresholds["p2p.inbound."] = 1000;
        options.QueueThresholds["internal.peers."] = 1000;
        options.QueueThresholds["internal.bridge."] = 100;
        configure?.Invoke(options);
        return options;
    }
}
