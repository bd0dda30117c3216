using System.Net;
using System.Net.Sockets;
using Corda.HighAvailability.Artemis.Amqp;
using Corda.HighAvailability.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Testing;

namespace Corda.HighAvailability.Artemis.Tests.Amqp;

/// <summary>The AMQP probe against a real broker: RabbitMQ with its AMQP 1.0 plugin, one node for this class.</summary>
public sealed class AmqpProbeTests(RabbitMqServer broker) : IClassFixture<RabbitMqServer>
{
    [Fact]
    public async Task Without_a_round_trip_address_the_probe_is_healthy_and_keeps_its_one_connection()
    {
        Assert.SkipWhen(RabbitMqServer.MissingReason is not null, RabbitMqServer.MissingReason ?? string.Empty);
        await using var check = new AmqpProbeHealthCheck(AmqpProbe.Options(broker));

        var first = await AmqpProbe.RunAsync(check);
        var second = await AmqpProbe.RunAsync(check);

        Assert.Equal(HealthStatus.Healthy, first.Status);
        Assert.Equal(HealthStatus.Healthy, second.Status);
        Assert.Equal(false, first.Data["connectionReused"]);
        Assert.Equal(true, second.Data["connectionReused"]);
        Assert.Equal(1L, second.Data["connectionsOpened"]);
        Assert.True((double)second.Data["sessionMs"] >= 0);
        Assert.Equal($"amqp://127.0.0.1:{broker.AmqpPort}", second.Data["address"]);
        Assert.Contains("on the reused connection (1 opened so far)", second.Description, StringComparison.Ordinal);
        Assert.Single(await AmqpProbe.BrokerConnectionsFromUsAsync(broker, 1));
    }

    [Fact]
    public async Task A_round_trip_through_a_queue_is_healthy_with_its_latency()
    {
        Assert.SkipWhen(RabbitMqServer.MissingReason is not null, RabbitMqServer.MissingReason ?? string.Empty);
        var queue = await AmqpProbe.NewQueueAsync(broker);
        await using var check = new AmqpProbeHealthCheck(AmqpProbe.Options(broker, queue));

        await AmqpProbe.RunAsync(check);
        var result = await AmqpProbe.RunAsync(check);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.True((double)result.Data["roundTripMs"] > 0);
        Assert.Equal(queue, result.Data["roundTripAddress"]);
        Assert.Contains($"AMQP round trip through '{queue}' at amqp://127.0.0.1:{broker.AmqpPort} in ", result.Description, StringComparison.Ordinal);
        Assert.Equal(1L, result.Data["connectionsOpened"]);
    }

    [Fact]
    public async Task Fifty_probes_use_exactly_one_broker_connection()
    {
        Assert.SkipWhen(RabbitMqServer.MissingReason is not null, RabbitMqServer.MissingReason ?? string.Empty);
        var queue = await AmqpProbe.NewQueueAsync(broker);
        await using var check = new AmqpProbeHealthCheck(AmqpProbe.Options(broker, queue));

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(HealthStatus.Healthy, (await AmqpProbe.RunAsync(check)).Status);
        }

        // The broker's own list, and this process's sockets: one connection each, not fifty.
        Assert.Single(await AmqpProbe.BrokerConnectionsFromUsAsync(broker, 1));
        Assert.Single(ProcessSockets.LocalPortsConnectedTo(broker.AmqpPort));
        Assert.Equal(1, check.ConnectionsOpened);
    }

    [Fact]
    public async Task Concurrent_probes_share_the_one_connection()
    {
        Assert.SkipWhen(RabbitMqServer.MissingReason is not null, RabbitMqServer.MissingReason ?? string.Empty);
        var queue = await AmqpProbe.NewQueueAsync(broker);
        await using var check = new AmqpProbeHealthCheck(AmqpProbe.Options(broker, queue));

        // Twenty at once, the first of them racing to open the connection.
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => AmqpProbe.RunAsync(check))));

        Assert.All(results, r => Assert.Equal(HealthStatus.Healthy, r.Status));
        Assert.Equal(1, check.ConnectionsOpened);
        Assert.Equal(19, results.Count(r => (bool)r.Data["connectionReused"]));
        Assert.Single(await AmqpProbe.BrokerConnectionsFromUsAsync(broker, 1));
    }

    [Fact]
    public async Task Disposing_the_check_closes_its_connection_on_the_broker()
    {
        Assert.SkipWhen(RabbitMqServer.MissingReason is not null, RabbitMqServer.MissingReason ?? string.Empty);
        var check = new AmqpProbeHealthCheck(AmqpProbe.Options(broker, await AmqpProbe.NewQueueAsync(broker)));
        Assert.Equal(HealthStatus.Healthy, (await AmqpProbe.RunAsync(check)).Status);
        var ours = await AmqpProbe.BrokerConnectionsFromUsAsync(broker, 1);
        Assert.Single(ours);

        await check.DisposeAsync();

        Assert.Empty(ProcessSockets.LocalPortsConnectedTo(broker.AmqpPort));
        Assert.Equal(0, await AmqpProbe.BrokerStillListsAsync(broker, ours));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => AmqpProbe.RunAsync(check));
    }

    [Fact]
    public async Task A_port_nobody_listens_on_is_unhealthy_saying_so()
    {
        var port = ClosedPort();
        await using var check = new AmqpProbeHealthCheck(new AmqpProbeOptions { Address = $"amqp://127.0.0.1:{port}", Timeout = TimeSpan.FromSeconds(15) });

        var result = await AmqpProbe.RunAsync(check, HealthStatus.Degraded);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal("ConnectionRefused", result.Data["error"]);
        Assert.Contains($"TCP connection to 127.0.0.1:{port} refused: nothing listens on that port", result.Description, StringComparison.Ordinal);
        Assert.Equal(0L, result.Data["connectionsOpened"]);
    }

    [Fact]
    public async Task A_listener_that_never_speaks_AMQP_times_out_as_unhealthy_and_leaves_no_socket()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var options = new AmqpProbeOptions { Address = $"amqp://127.0.0.1:{port}", Timeout = TimeSpan.FromSeconds(1) };
        await using var check = new AmqpProbeHealthCheck(options);

        var result = await AmqpProbe.RunAsync(check);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("Timeout", result.Data["error"]);
        Assert.Contains($"No answer from the broker at amqp://127.0.0.1:{port} within 1 s while opening the connection", result.Description, StringComparison.Ordinal);

        // The half-open connection of the probe that gave up is closed, not left to linger.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (ProcessSockets.LocalPortsConnectedTo(port).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Empty(ProcessSockets.LocalPortsConnectedTo(port));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Bad_credentials_are_unhealthy_and_the_password_appears_nowhere(bool inUri)
    {
        Assert.SkipWhen(RabbitMqServer.MissingReason is not null, RabbitMqServer.MissingReason ?? string.Empty);
        const string Password = "Wr0ng-Pa55word-4-probe";
        await broker.AddUserAsync("probe-user", "the-right-one");
        var options = AmqpProbe.Options(broker);
        if (inUri)
        {
            options.Address = $"amqp://probe-user:{Password}@127.0.0.1:{broker.AmqpPort}";
        }
        else
        {
            options.Address = $"amqp://127.0.0.1:{broker.AmqpPort}";
            options.UserName = "probe-user";
            options.Password = Password;
        }

        var logs = new FakeLogCollector();
        await using var check = new AmqpProbeHealthCheck(options, null, null, null, new FakeLogger(logs));

        var result = await AmqpProbe.RunAsync(check);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("amqp:unauthorized-access", result.Data["error"]);
        Assert.Contains("refused the probe's credentials", result.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, AmqpProbe.Everything(result), StringComparison.Ordinal);
        var logged = string.Join("\n", logs.GetSnapshot().Select(r => r.Message + r.Exception));
        Assert.NotEmpty(logs.GetSnapshot());
        Assert.DoesNotContain(Password, logged, StringComparison.Ordinal);

        // The refused connection's socket is closed, not left to the broker to drop.
        Assert.Empty(ProcessSockets.LocalPortsConnectedTo(broker.AmqpPort));
    }

    [Fact]
    public async Task An_address_the_broker_does_not_have_is_unhealthy_naming_the_option()
    {
        Assert.SkipWhen(RabbitMqServer.MissingReason is not null, RabbitMqServer.MissingReason ?? string.Empty);
        await using var check = new AmqpProbeHealthCheck(AmqpProbe.Options(broker, "/exchange/no-such-exchange"));

        var result = await AmqpProbe.RunAsync(check);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("amqp:not-found", result.Data["error"]);
        Assert.Contains("while attaching links to '/exchange/no-such-exchange'", result.Description, StringComparison.Ordinal);
        Assert.Contains("AmqpProbeOptions.RoundTripAddress", result.Description, StringComparison.Ordinal);

        // The connection of the failed attach was dropped, not kept half-usable.
        Assert.Empty(ProcessSockets.LocalPortsConnectedTo(broker.AmqpPort));
    }

    [Fact]
    public async Task Over_amqps_an_untrusted_certificate_is_unhealthy_unless_explicitly_allowed()
    {
        Assert.SkipWhen(RabbitMqServer.MissingReason is not null, RabbitMqServer.MissingReason ?? string.Empty);
        var options = AmqpProbe.Options(broker, await AmqpProbe.NewQueueAsync(broker));
        options.Address = $"amqps://localhost:{broker.AmqpsPort}";
        options.UserName = "guest";
        options.Password = "guest";
        await using (var strict = new AmqpProbeHealthCheck(options))
        {
            var refused = await AmqpProbe.RunAsync(strict);

            Assert.Equal(HealthStatus.Unhealthy, refused.Status);
            Assert.Equal("AuthenticationException", refused.Data["error"]);
            Assert.Contains($"The TLS handshake with amqps://localhost:{broker.AmqpsPort} failed", refused.Description, StringComparison.Ordinal);
            Assert.Empty(ProcessSockets.LocalPortsConnectedTo(broker.AmqpsPort));
        }

        // The broker's self-signed certificate, accepted as labs do: the same probe over TLS is then Healthy.
        options.AllowUntrustedCertificate = true;
        await using var lab = new AmqpProbeHealthCheck(options);
        var result = await AmqpProbe.RunAsync(lab);
        var reused = await AmqpProbe.RunAsync(lab);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(true, reused.Data["connectionReused"]);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        var overTls = 0;
        while (overTls == 0 && DateTime.UtcNow < deadline)
        {
            // The management API lists a new connection a moment later.
            overTls = (await broker.GetConnectionsAsync()).Count(c => c.GetProperty("ssl").GetBoolean());
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Equal(1, overTls);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
