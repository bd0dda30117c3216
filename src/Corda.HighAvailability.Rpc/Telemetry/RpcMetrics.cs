using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Corda.HighAvailability.Diagnostics;
using Corda.HighAvailability.Rpc.State;

namespace Corda.HighAvailability.Rpc.Telemetry;

/// <summary>
/// Instruments of resilient RPC connections, on the shared <c>Corda.HighAvailability</c> meter: one set per
/// <see cref="CordaHaInstrumentation"/>, shared by every connection reporting to it (<see cref="For"/>).
/// </summary>
internal sealed class RpcMetrics
{
    public const string StateName = "corda_ha.rpc.state";
    public const string ReconnectsName = "corda_ha.rpc.reconnects";
    public const string DisconnectedDurationName = "corda_ha.rpc.disconnected.duration";
    public const string FailedFastName = "corda_ha.rpc.calls.failed_fast";
    public const string ConnectActivityName = "corda_ha.rpc.connect";
    public const string ConnectionTag = "corda_ha.rpc.connection";
    public const string StateTag = "corda_ha.rpc.state";
    public const string EndpointTag = "corda_ha.rpc.endpoint";
    public const string ReasonTag = "corda_ha.rpc.reason";
    public const string AttemptTag = "corda_ha.rpc.attempt";

    private static readonly ConditionalWeakTable<CordaHaInstrumentation, RpcMetrics> Shared = new();
    private static readonly RpcConnectionStatus[] Statuses = Enum.GetValues<RpcConnectionStatus>();

    private readonly Counter<long> _reconnects;
    private readonly Histogram<double> _disconnectedDuration;
    private readonly Counter<long> _failedFast;
    private readonly List<(string Name, Func<RpcConnectionStatus> Status)> _connections = [];

    public RpcMetrics(CordaHaInstrumentation instrumentation)
    {
        ArgumentNullException.ThrowIfNull(instrumentation);
        ActivitySource = instrumentation.ActivitySource;
        var meter = instrumentation.Meter;
        meter.CreateObservableGauge(StateName, Observe, "{state}", "1 for the state each resilient RPC connection is in, 0 for the others.");
        _reconnects = meter.CreateCounter<long>(ReconnectsName, "{reconnect}", "Connections re-established after a loss.");
        _disconnectedDuration = meter.CreateHistogram<double>(DisconnectedDurationName, "s", "Time from a connection loss to the reconnection (or to closing).");
        _failedFast = meter.CreateCounter<long>(FailedFastName, "{call}", "Calls refused without reaching a server, by reason.");
    }

    public ActivitySource ActivitySource { get; }

    /// <summary>The instruments of <paramref name="instrumentation"/>, created on first use.</summary>
    public static RpcMetrics For(CordaHaInstrumentation instrumentation) => Shared.GetValue(instrumentation, i => new RpcMetrics(i));

    public IDisposable Track(string connection, Func<RpcConnectionStatus> status)
    {
        var entry = (connection, status);
        lock (_connections)
        {
            _connections.Add(entry);
        }

        return new Untrack(this, entry);
    }

    public void Reconnected(string connection, string endpoint, TimeSpan disconnected)
    {
        _reconnects.Add(1, new(ConnectionTag, connection), new(EndpointTag, endpoint));
        _disconnectedDuration.Record(disconnected.TotalSeconds, new(ConnectionTag, connection), new(ReasonTag, "reconnected"));
    }

    public void ClosedWhileDisconnected(string connection, TimeSpan disconnected) =>
        _disconnectedDuration.Record(disconnected.TotalSeconds, new(ConnectionTag, connection), new(ReasonTag, "closed"));

    public void FailedFast(string connection, string reason) =>
        _failedFast.Add(1, new(ConnectionTag, connection), new(ReasonTag, reason));

    /// <summary>Lower-case state names for tags.</summary>
    public static string StatusName(RpcConnectionStatus status) => status switch
    {
        RpcConnectionStatus.NotStarted => "not_started",
        RpcConnectionStatus.Connecting => "connecting",
        RpcConnectionStatus.Connected => "connected",
        RpcConnectionStatus.Disconnected => "disconnected",
        RpcConnectionStatus.Reconnecting => "reconnecting",
        _ => "closed",
    };

    private IEnumerable<Measurement<int>> Observe()
    {
        (string Name, Func<RpcConnectionStatus> Status)[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        foreach (var (name, status) in connections)
        {
            var current = status();
            foreach (var candidate in Statuses)
            {
                yield return new Measurement<int>(candidate == current ? 1 : 0, new(ConnectionTag, name), new(StateTag, StatusName(candidate)));
            }
        }
    }

    private sealed class Untrack(RpcMetrics metrics, (string, Func<RpcConnectionStatus>) entry) : IDisposable
    {
        public void Dispose()
        {
            lock (metrics._connections)
            {
                metrics._connections.Remove(entry);
            }
        }
    }
}
