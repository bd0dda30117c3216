using System.Diagnostics;
using Corda.HighAvailability.Rpc.Retry;
using Corda.HighAvailability.Rpc.State;
using Corda.HighAvailability.Rpc.Transport;

namespace Corda.HighAvailability.Rpc.Grpc.Tests;

/// <summary>A resilient connection over the gRPC transport to real server processes, recording each event with its real time.</summary>
public sealed class GrpcClientUnderTest : IAsyncDisposable
{
    private readonly List<(RpcConnectionEvent Event, long Timestamp)> _events = [];

    public GrpcClientUnderTest(IRpcRetryPolicy policy, GrpcRpcTransportOptions transportOptions, Action<ResilientRpcOptions>? configure, params GrpcServerProcess[] servers)
    {
        var options = new ResilientRpcOptions { ReconnectPolicy = policy, ConnectTimeout = TimeSpan.FromSeconds(10) };
        foreach (var server in servers)
        {
            options.Endpoints.Add(new RpcEndpoint(server.Name, server.Address));
        }

        configure?.Invoke(options);
        Connection = new ResilientRpcConnection<NodeClient>("node-grpc", new GrpcRpcTransport<NodeClient>(invoker => new NodeClient(invoker), transportOptions), options);
        Connection.StateChanged += (_, e) =>
        {
            lock (_events)
            {
                _events.Add((e, Stopwatch.GetTimestamp()));
            }
        };
    }

    public ResilientRpcConnection<NodeClient> Connection { get; }

    /// <summary>Waits for the first event of <paramref name="kind"/> after <paramref name="since"/> (a Stopwatch timestamp) and returns it with the time it took.</summary>
    public async Task<(RpcConnectionEvent Event, TimeSpan After)> WaitForAsync(RpcConnectionEventKind kind, long since, int timeoutMs = 20_000)
    {
        (RpcConnectionEvent Event, long Timestamp)? found = null;
        await Eventually.True(
            () =>
            {
                lock (_events)
                {
                    found = _events.FirstOrDefault(e => e.Event.Kind == kind && e.Timestamp >= since) is { Event: not null } hit ? hit : null;
                    return found is not null;
                }
            },
            $"a {kind} event",
            timeoutMs);
        return (found!.Value.Event, Stopwatch.GetElapsedTime(since, found.Value.Timestamp));
    }

    public List<RpcConnectionEvent> Events()
    {
        lock (_events)
        {
            return _events.Select(e => e.Event).ToList();
        }
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
