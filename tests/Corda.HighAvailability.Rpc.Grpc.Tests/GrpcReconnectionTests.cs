using System.Diagnostics;
using Corda.HighAvailability.Rpc.Calls;
using Corda.HighAvailability.Rpc.Retry;
using Corda.HighAvailability.Rpc.State;
using Corda.HighAvailability.Rpc.Transport;
using static Corda.HighAvailability.Rpc.State.RpcConnectionEventKind;

namespace Corda.HighAvailability.Rpc.Grpc.Tests;

/// <summary>
/// The resilient connection over the gRPC transport to real gRPC server processes killed with SIGKILL and restarted:
/// the state sequence, fail-fast calls during the outage, an in-flight non-idempotent call that may have run (and
/// ran at most once), failover to a second server detected from an idle channel, and giving up when both are down.
/// </summary>
public sealed class GrpcReconnectionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    private static (ResilientRpcConnection<NodeClient> Connection, List<RpcConnectionEvent> Events) Connect(IRpcRetryPolicy policy, params GrpcServerProcess[] servers)
    {
        var options = new ResilientRpcOptions { ReconnectPolicy = policy, ConnectTimeout = TimeSpan.FromSeconds(10) };
        foreach (var server in servers)
        {
            options.Endpoints.Add(new RpcEndpoint(server.Name, server.Address));
        }

        var transport = new GrpcRpcTransport<NodeClient>(invoker => new NodeClient(invoker), new GrpcRpcTransportOptions { KeepAlivePingDelay = TimeSpan.FromSeconds(1), KeepAlivePingTimeout = TimeSpan.FromSeconds(1) });
        var connection = new ResilientRpcConnection<NodeClient>("node-grpc", transport, options);
        var events = new List<RpcConnectionEvent>();
        connection.StateChanged += (_, e) =>
        {
            lock (events)
            {
                events.Add(e);
            }
        };
        return (connection, events);
    }

    private static List<RpcConnectionEventKind> Kinds(List<RpcConnectionEvent> events)
    {
        lock (events)
        {
            return events.Select(e => e.Kind).ToList();
        }
    }

    [Fact]
    public async Task A_server_killed_with_SIGKILL_and_restarted_is_reported_step_by_step_and_no_call_runs_twice()
    {
        using var server = new GrpcServerProcess("node-a");
        await server.StartAsync();
        var (connection, events) = Connect(new FixedDelaysRetryPolicy([TimeSpan.Zero, Step], repeatLast: true), server);
        await using var _ = connection;
        await connection.ConnectAsync();
        Assert.Equal("node-a:hello", await connection.InvokeAsync((c, ctx) => c.EchoAsync("hello", ctx.CancellationToken)));

        // A non-idempotent call the server has executed (ledger written) and holds when the server is killed.
        var inFlight = connection.InvokeAsync((c, ctx) => c.ExecuteAsync(ctx.RequestId, 60_000, ctx.CancellationToken));
        await Eventually.True(() => File.Exists(server.LedgerPath) && File.ReadAllText(server.LedgerPath).Length > 0, "the call executed by the server");
        server.Kill();

        var lost = await Assert.ThrowsAsync<RpcConnectionLostException>(() => inFlight.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.True(lost.MayHaveReachedServer);
        Assert.Equal(1, GrpcServerProcess.Executions(server.LedgerPath, lost.RequestId));
        await Eventually.True(() => connection.State.Status == RpcConnectionStatus.Reconnecting, "reconnecting");

        // During the outage: fail fast, with the state.
        var refused = await Assert.ThrowsAsync<RpcUnavailableException>(() => connection.InvokeAsync((c, ctx) => c.ExecuteAsync(ctx.RequestId, 0, ctx.CancellationToken)));
        Assert.Equal(RpcConnectionStatus.Reconnecting, refused.State.Status);

        var restarted = Stopwatch.StartNew();
        await server.StartAsync();
        await Eventually.True(() => connection.State.Status == RpcConnectionStatus.Connected, "reconnected");
        output.WriteLine($"server restarted -> reconnected: {restarted.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal("node-a:executed:after", await connection.InvokeAsync((c, _) => c.ExecuteAsync("after", 0)));

        var kinds = Kinds(events);
        output.WriteLine(string.Join(", ", kinds));
        Assert.Equal([Connecting, Connected, Disconnected], kinds.Take(3));
        Assert.Equal(Reconnected, kinds[^1]);
        Assert.All(kinds.Skip(3).SkipLast(1), k => Assert.Equal(Reconnecting, k));
        Assert.Contains(Reconnecting, kinds);
    }

    [Fact]
    public async Task An_idle_connection_fails_over_to_the_second_server_by_itself_then_both_down_closes()
    {
        using var active = new GrpcServerProcess("node-a");
        using var standby = new GrpcServerProcess("node-b");
        await active.StartAsync();
        await standby.StartAsync();
        var (connection, events) = Connect(new FixedDelaysRetryPolicy(Enumerable.Repeat(Step, 10)), active, standby);
        await using var _ = connection;
        await connection.ConnectAsync();
        Assert.Equal("node-a", connection.State.Endpoint!.Name);

        // No call in flight: the health watch's stream (or, on a server without it, the channel's own state) tells that the server died.
        var killed = Stopwatch.StartNew();
        active.Kill();
        await Eventually.True(() => connection.State is { Status: RpcConnectionStatus.Connected, Endpoint.Name: "node-b" }, "failed over to node-b");
        output.WriteLine($"active killed -> connected to the standby, no call made: {killed.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal("node-b:x", await connection.InvokeAsync((c, ctx) => c.EchoAsync("x", ctx.CancellationToken), new RpcCallOptions { Idempotent = true }));
        Assert.Equal(Reconnected, Kinds(events)[^1]);

        standby.Kill();
        await Eventually.True(() => connection.State.Status == RpcConnectionStatus.Closed, "closed after both servers went down", 30_000);
        Assert.Contains("gave up after 10 failed attempts", connection.State.Reason, StringComparison.Ordinal);
        Assert.Equal(Closed, Kinds(events)[^1]);
        var refused = await Assert.ThrowsAsync<RpcUnavailableException>(() => connection.InvokeAsync((c, ctx) => c.EchoAsync("y", ctx.CancellationToken)));
        Assert.Equal(RpcUnavailableReason.Closed, refused.Reason);
    }
}
