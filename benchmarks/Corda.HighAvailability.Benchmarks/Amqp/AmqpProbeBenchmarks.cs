using Amqp;
using Amqp.Framing;
using BenchmarkDotNet.Attributes;
using Corda.HighAvailability.Artemis.Amqp;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Benchmarks.Amqp;

/// <summary>
/// What the AMQP probe's round trip costs next to the same round trip done with AMQPNetLite by hand on an open
/// connection (the baseline), and next to a probe that opens a connection per call (what the probe avoids). Against a
/// RabbitMQ node with the AMQP 1.0 plugin that the benchmark starts (see <see cref="RabbitMqServer"/>), or the broker at
/// <c>CORDA_HA_BENCH_AMQP</c> (an amqp:// URI; the queues are then addressed as <c>/queue/NAME</c>, which RabbitMQ
/// declares on attach). Each call checks its outcome, so a benchmark that stopped doing the real work fails.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(AmqpBenchmarkConfig))]
public class AmqpProbeBenchmarks
{
    public const string ExternalBrokerVariable = "CORDA_HA_BENCH_AMQP";

    private RabbitMqServer? _broker;
    private string _uri = string.Empty;
    private string _rawQueue = string.Empty;
    private string _probeQueue = string.Empty;
    private string _perCallQueue = string.Empty;
    private Connection? _connection;
    private SenderLink? _sender;
    private ReceiverLink? _receiver;
    private AmqpProbeHealthCheck? _probe;
    private HealthCheckContext _context = null!;
    private long _probeCalls;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, Description = "raw AMQPNetLite round trip, open connection")]
    public async Task<Message> RawRoundTrip()
    {
        // The same message as the probe's (non-durable, with a TTL): RabbitMQ stores a message without a header as
        // persistent, which would make the baseline pay a disk write the probe does not.
        var id = Guid.NewGuid().ToString("N");
        await _sender!.SendAsync(new Message("corda-ha probe")
        {
            Header = new Header { Durable = false, Ttl = 10_000 },
            Properties = new Properties { MessageId = id },
        });
        var received = await _receiver!.ReceiveAsync(TimeSpan.FromSeconds(10)) ?? throw new InvalidOperationException("The raw round trip lost its message.");
        _receiver.Accept(received);
        return received.Properties.MessageId as string == id ? received : throw new InvalidOperationException("The raw round trip received another message.");
    }

    [Benchmark(Description = "probe CheckHealthAsync, round trip on its reused connection")]
    public async Task<HealthCheckResult> ProbeRoundTrip()
    {
        var result = await _probe!.CheckHealthAsync(_context);
        _probeCalls++;
        return result.Status == HealthStatus.Healthy ? result : throw new InvalidOperationException("The probe was not healthy: " + result.Description);
    }

    [Benchmark(Description = "new connection per probe (open, attach, round trip, close)")]
    public async Task<HealthCheckResult> NewConnectionPerProbe()
    {
        // What a probe without a kept connection would do: a check of its own per call, disposed after it.
        await using var check = new AmqpProbeHealthCheck(Options(_perCallQueue));
        var result = await check.CheckHealthAsync(_context);
        return result.Status == HealthStatus.Healthy ? result : throw new InvalidOperationException("The probe was not healthy: " + result.Description);
    }

    /// <summary>Connections the probe's check has opened (1 while it reuses its first).</summary>
    internal long ProbeConnectionsOpened => _probe?.ConnectionsOpened ?? 0;

    internal async Task SetupAsync()
    {
        if (Environment.GetEnvironmentVariable(ExternalBrokerVariable) is { Length: > 0 } external)
        {
            _uri = external;
        }
        else
        {
            if (RabbitMqServer.MissingReason is { } missing)
            {
                throw new InvalidOperationException(missing + $" Or set {ExternalBrokerVariable} to an amqp:// URI of a broker.");
            }

            _broker = new RabbitMqServer();
            await _broker.InitializeAsync();
            _uri = _broker.AmqpUri;
        }

        var suffix = Guid.NewGuid().ToString("N")[..8];
        (_rawQueue, _probeQueue, _perCallQueue) = ($"/queue/bench-raw-{suffix}", $"/queue/bench-probe-{suffix}", $"/queue/bench-percall-{suffix}");
        _connection = await new ConnectionFactory().CreateAsync(new Address(_uri));
        var session = new Session(_connection);
        _sender = new SenderLink(session, "bench-sender", _rawQueue);
        _receiver = new ReceiverLink(session, "bench-receiver", _rawQueue);
        _receiver.SetCredit(10);
        _probe = new AmqpProbeHealthCheck(Options(_probeQueue));
        _context = new HealthCheckContext { Registration = new HealthCheckRegistration("bench", _probe, HealthStatus.Unhealthy, tags: null) };

        // Attach, and the queues' declaration on first use, outside the measurements.
        await RawRoundTrip();
        await ProbeRoundTrip();
        _probeCalls = 0;
    }

    internal async Task CleanupAsync()
    {
        if (_probe is not null)
        {
            // The second goal: no connection per probe. Printed into the benchmark's log.
            Console.WriteLine($"// AMQP probe: {_probeCalls} measured probe calls after warm-up, {_probe.ConnectionsOpened} connection(s) opened in all.");
            await _probe.DisposeAsync();
        }

        if (_connection is not null)
        {
            await _connection.CloseAsync();
        }

        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }

    private AmqpProbeOptions Options(string queue) => new() { Address = _uri, RoundTripAddress = queue, Timeout = TimeSpan.FromSeconds(10) };
}
