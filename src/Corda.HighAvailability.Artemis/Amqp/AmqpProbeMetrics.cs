using System.Diagnostics.Metrics;
using Corda.HighAvailability.Diagnostics;
using Corda.HighAvailability.Probes.Telemetry;

namespace Corda.HighAvailability.Artemis.Amqp;

/// <summary>
/// The AMQP probe's own instrument, on the shared meter: connections opened. At a steady state it stays flat; each
/// increase is a reconnect after the broker or the network dropped the connection (the probe durations are recorded
/// through <see cref="ProbeMetrics"/>, kind <c>amqp</c>).
/// </summary>
internal sealed class AmqpProbeMetrics
{
    public const string ConnectionsOpenedName = "corda_ha.probe.amqp.connections_opened";

    private readonly Counter<long> _opened;

    public AmqpProbeMetrics(CordaHaInstrumentation instrumentation)
    {
        ArgumentNullException.ThrowIfNull(instrumentation);
        _opened = instrumentation.Meter.CreateCounter<long>(
            ConnectionsOpenedName, "{connection}", "AMQP connections opened by the AMQP probes, by registration name; flat while the connection is reused.");
    }

    public void ConnectionOpened(string name) => _opened.Add(1, new KeyValuePair<string, object?>(ProbeMetrics.NameTag, name));
}
