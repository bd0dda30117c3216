using System.Diagnostics;
using Corda.HighAvailability.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Artemis.Tests.Amqp;

/// <summary>Runs alone (no other test's sockets or allocations in the samples).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AmqpSoakCollection
{
    public const string Name = "AMQP probe soak";
}

/// <summary>
/// The soak: the registered probe at 10 per second for a minute against one broker, through the health check
/// service, with no growth in broker connections, this process's sockets, or managed memory. Trait Category=Soak, so it
/// can be left out with <c>--filter "Category!=Soak"</c>; eng/test.sh runs it.
/// </summary>
[Collection(AmqpSoakCollection.Name)]
[Trait("Category", "Soak")]
public sealed class AmqpProbeSoakTests(RabbitMqServer broker) : IClassFixture<RabbitMqServer>
{
    private const int Probes = 600;
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task Six_hundred_probes_at_ten_per_second_grow_no_connections_sockets_or_memory()
    {
        Assert.SkipWhen(RabbitMqServer.MissingReason is not null, RabbitMqServer.MissingReason ?? string.Empty);
        var queue = await AmqpProbe.NewQueueAsync(broker);
        var services = new ServiceCollection().AddLogging();
        services.AddHealthChecks().AddCordaArtemisAmqpProbe(o =>
        {
            o.Address = broker.AmqpUri;
            o.RoundTripAddress = queue;
            o.Timeout = TimeSpan.FromSeconds(15);
        });
        await using var provider = services.BuildServiceProvider();
        var health = provider.GetRequiredService<HealthCheckService>();
        var output = TestContext.Current.TestOutputHelper!;
        var samples = new List<Sample>();
        var unhealthy = 0;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Probes; i++)
        {
            var report = await health.CheckHealthAsync(TestContext.Current.CancellationToken);
            if (report.Status != HealthStatus.Healthy)
            {
                unhealthy++;
                output.WriteLine($"probe {i}: {report.Entries.Single().Value.Description}");
            }

            // Samples after the first probe (connection, JIT and pools warmed up), in the middle, and at the end.
            if (i is 0 or Probes / 2 or Probes - 1)
            {
                samples.Add(await SampleAsync(i + 1));
                output.WriteLine(samples[^1].ToString());
            }

            // 10 per second: the next probe starts one period after this one's slot, not after it returned.
            var next = Period * (i + 1);
            if (next > clock.Elapsed)
            {
                await Task.Delay(next - clock.Elapsed, TestContext.Current.CancellationToken);
            }
        }

        output.WriteLine($"{Probes} probes in {clock.Elapsed.TotalSeconds:0.0} s, {unhealthy} not healthy");
        Assert.Equal(0, unhealthy);
        Assert.All(samples, s => Assert.Equal(1, s.BrokerConnections));
        Assert.All(samples, s => Assert.Equal(1, s.OurAmqpSockets));
        var (first, last) = (samples[0], samples[^1]);

        // Tolerances: a few sockets of the runtime or the test host may come and go; a leak would add one per probe (600).
        Assert.True(last.Sockets <= first.Sockets + 3, $"sockets grew from {first.Sockets} to {last.Sockets}");

        // A leaked connection, session or link costs kilobytes; 600 of them would be megabytes.
        Assert.True(last.ManagedBytes - first.ManagedBytes < 4 * 1024 * 1024, $"managed memory grew from {first.ManagedBytes:N0} to {last.ManagedBytes:N0} bytes");
    }

    private async Task<Sample> SampleAsync(int probes)
    {
        var ours = ProcessSockets.LocalPortsConnectedTo(broker.AmqpPort);
        var brokerConnections = (await AmqpProbe.BrokerConnectionsFromUsAsync(broker, 1)).Count;
        return new Sample(probes, brokerConnections, ours.Count, ProcessSockets.Count(), GC.GetTotalMemory(forceFullCollection: true));
    }

    private sealed record Sample(int Probes, int BrokerConnections, int OurAmqpSockets, int Sockets, long ManagedBytes);
}
