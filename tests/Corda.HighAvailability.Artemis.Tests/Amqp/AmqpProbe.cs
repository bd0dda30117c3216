using Corda.HighAvailability.Artemis.Amqp;
using Corda.HighAvailability.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Artemis.Tests.Amqp;

/// <summary>Runs AMQP checks as the health check service would, and finds the probe's connections on the broker.</summary>
internal static class AmqpProbe
{
    public static AmqpProbeOptions Options(RabbitMqServer broker, string? roundTripAddress = null) => new()
    {
        Address = broker.AmqpUri,
        RoundTripAddress = roundTripAddress,
        ContainerId = "corda-ha-test-" + Guid.NewGuid().ToString("N")[..8],

        // Generous: the tests run next to others on a loaded 2-core machine.
        Timeout = TimeSpan.FromSeconds(15),
    };

    public static async Task<HealthCheckResult> RunAsync(IHealthCheck check, HealthStatus failureStatus = HealthStatus.Unhealthy, string name = "amqp")
    {
        var context = new HealthCheckContext { Registration = new HealthCheckRegistration(name, check, failureStatus, tags: null) };
        var result = await check.CheckHealthAsync(context, TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine($"{result.Status}: {Everything(result)}");
        return result;
    }

    /// <summary>Every data value, the description and the exception, to check that a secret appears nowhere.</summary>
    public static string Everything(HealthCheckResult result) =>
        result.Description + "\n" + string.Join("\n", result.Data.Select(kv => $"{kv.Key}={kv.Value}")) + "\n" + result.Exception;

    /// <summary>A fresh queue of the broker's, as RabbitMQ's AMQP 1.0 plugin addresses it.</summary>
    public static async Task<string> NewQueueAsync(RabbitMqServer broker)
    {
        var name = "corda-ha-probe-" + Guid.NewGuid().ToString("N")[..8];
        await broker.DeclareQueueAsync(name);
        return "/queue/" + name;
    }

    /// <summary>
    /// The peer ports of the broker's client connections that come from this test process, as the management API lists
    /// them, once it lists <paramref name="expected"/> of them (its view lags by a second or so), or what it lists after
    /// 20 s. RabbitMQ does not list an AMQP 1.0 client's container id, hence the ports.
    /// </summary>
    public static async Task<IReadOnlySet<int>> BrokerConnectionsFromUsAsync(RabbitMqServer broker, int expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var ours = ProcessSockets.LocalPortsConnectedTo(broker.AmqpPort);
            var listed = (await ListedPeerPortsAsync(broker)).Where(ours.Contains).ToHashSet();
            if (listed.Count == expected || DateTime.UtcNow > deadline)
            {
                return listed;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Waits until the broker no longer lists connections from <paramref name="peerPorts"/>; returns how many it still lists after 20 s.</summary>
    public static async Task<int> BrokerStillListsAsync(RabbitMqServer broker, IReadOnlySet<int> peerPorts)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var count = (await ListedPeerPortsAsync(broker)).Count(peerPorts.Contains);
            if (count == 0 || DateTime.UtcNow > deadline)
            {
                return count;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    private static async Task<List<int>> ListedPeerPortsAsync(RabbitMqServer broker) =>
        (await broker.GetConnectionsAsync())
            .Where(c => c.TryGetProperty("peer_port", out _))
            .Select(c => c.GetProperty("peer_port").GetInt32())
            .ToList();
}
