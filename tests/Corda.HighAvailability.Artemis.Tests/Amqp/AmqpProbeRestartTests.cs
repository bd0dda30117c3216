using Corda.HighAvailability.Artemis.Amqp;
using Corda.HighAvailability.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Artemis.Tests.Amqp;

/// <summary>The broker crashes (SIGKILL) or shuts down (SIGTERM) under the probe and comes back: a node of this class's own.</summary>
public sealed class AmqpProbeRestartTests(RabbitMqServer broker) : IClassFixture<RabbitMqServer>
{
    [Fact]
    public async Task A_hung_broker_times_the_probe_out_its_socket_is_closed_and_once_resumed_it_is_healthy_again()
    {
        Assert.SkipWhen(RabbitMqServer.MissingReason is not null, RabbitMqServer.MissingReason ?? string.Empty);
        var options = AmqpProbe.Options(broker, await AmqpProbe.NewQueueAsync(broker));
        options.Timeout = TimeSpan.FromSeconds(2);
        await using var check = new AmqpProbeHealthCheck(options);
        Assert.Equal(HealthStatus.Healthy, (await AmqpProbe.RunAsync(check)).Status);

        HealthCheckResult hung;
        broker.Pause();
        try
        {
            hung = await AmqpProbe.RunAsync(check);

            // The frozen broker never answers the close, yet the probe's socket is gone (not kept until it answers).
            Assert.Empty(ProcessSockets.LocalPortsConnectedTo(broker.AmqpPort));
        }
        finally
        {
            broker.Resume();
        }

        Assert.Equal(HealthStatus.Unhealthy, hung.Status);
        Assert.Equal("Timeout", hung.Data["error"]);
        Assert.Contains("within 2 s while sending to and receiving from", hung.Description, StringComparison.Ordinal);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        HealthCheckResult back;
        do
        {
            back = await AmqpProbe.RunAsync(check);
        }
        while (back.Status != HealthStatus.Healthy && DateTime.UtcNow < deadline);

        Assert.Equal(HealthStatus.Healthy, back.Status);
        Assert.Single(await AmqpProbe.BrokerConnectionsFromUsAsync(broker, 1));
    }

    [Fact]
    public async Task A_killed_or_stopped_broker_is_unhealthy_and_once_restarted_healthy_again_on_one_new_connection()
    {
        Assert.SkipWhen(RabbitMqServer.MissingReason is not null, RabbitMqServer.MissingReason ?? string.Empty);
        var queue = await AmqpProbe.NewQueueAsync(broker);
        await using var check = new AmqpProbeHealthCheck(AmqpProbe.Options(broker, queue));
        Assert.Equal(HealthStatus.Healthy, (await AmqpProbe.RunAsync(check)).Status);

        await broker.KillAsync();
        var down = await AmqpProbe.RunAsync(check);
        var stillDown = await AmqpProbe.RunAsync(check);

        Assert.Equal(HealthStatus.Unhealthy, down.Status);
        Assert.Equal(HealthStatus.Unhealthy, stillDown.Status);
        Assert.Contains($"127.0.0.1:{broker.AmqpPort} refused", stillDown.Description, StringComparison.Ordinal);
        Assert.Equal(1L, stillDown.Data["connectionsLost"]);

        // The queue is not durable: the restarted node declares it again on attach.
        await broker.StartAsync();
        var up = await AmqpProbe.RunAsync(check);
        var again = await AmqpProbe.RunAsync(check);

        Assert.Equal(HealthStatus.Healthy, up.Status);
        Assert.Equal(false, up.Data["connectionReused"]);
        Assert.Equal(HealthStatus.Healthy, again.Status);
        Assert.Equal(true, again.Data["connectionReused"]);
        Assert.Equal(2L, again.Data["connectionsOpened"]);
        Assert.Equal(2, check.ConnectionsOpened);
        Assert.Single(await AmqpProbe.BrokerConnectionsFromUsAsync(broker, 1));

        // An orderly shutdown closes the connection from the broker's side (AMQP close, amqp:connection:forced).
        await broker.StopAsync();
        var stopped = await AmqpProbe.RunAsync(check);
        await broker.StartAsync();
        var back = await AmqpProbe.RunAsync(check);

        Assert.Equal(HealthStatus.Unhealthy, stopped.Status);
        Assert.Equal(HealthStatus.Healthy, back.Status);
        Assert.Equal(3L, back.Data["connectionsOpened"]);
        Assert.Single(await AmqpProbe.BrokerConnectionsFromUsAsync(broker, 1));
    }
}
