using System.Diagnostics;
using Corda.HighAvailability.Rpc.Calls;
using Corda.HighAvailability.Rpc.Retry;
using Corda.HighAvailability.Rpc.State;

namespace Corda.HighAvailability.Rpc.Grpc.Tests;

/// <summary>
/// Calls over real gRPC while the server is down or dies under them: the bounded backlog of calls waiting for the
/// reconnection, waits that end at their bound, and a call carrying a request id retried on the next server, which
/// finds it already executed (the servers de-duplicate by request id, as Corda does with flow client ids).
/// </summary>
public sealed class GrpcCallBoundsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task While_the_server_is_down_waits_end_at_their_bound_the_backlog_is_bounded_and_waiting_calls_complete_after_the_restart()
    {
        using var server = new GrpcServerProcess("node-a");
        await server.StartAsync();
        await using var client = new GrpcClientUnderTest(
            new FixedDelaysRetryPolicy([TimeSpan.FromMilliseconds(200)], repeatLast: true), new GrpcRpcTransportOptions(), o => o.MaxWaitingCalls = 2, server);
        var node = client.Connection;
        await node.ConnectAsync();
        server.Kill();
        await Eventually.True(() => node.State.Status == RpcConnectionStatus.Reconnecting, "reconnecting");

        // A wait ends at its bound, with the state.
        var started = Stopwatch.StartNew();
        var timedOut = await Assert.ThrowsAsync<RpcUnavailableException>(() => node.InvokeAsync(
            (c, ctx) => c.EchoAsync("late", ctx.CancellationToken), new RpcCallOptions { WaitForConnection = TimeSpan.FromMilliseconds(500) }));
        output.WriteLine($"a 500 ms wait ended after {started.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(RpcUnavailableReason.WaitTimedOut, timedOut.Reason);
        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(10));

        // Two calls wait (the backlog's bound); the third fails at once rather than join an ever-growing queue.
        var waiting = new[] { "one", "two" }.Select(t => node.InvokeAsync(
            (c, ctx) => c.EchoAsync(t, ctx.CancellationToken), new RpcCallOptions { WaitForConnection = TimeSpan.FromSeconds(60) })).ToArray();
        await Task.Delay(200);
        started.Restart();
        var full = await Assert.ThrowsAsync<RpcUnavailableException>(() => node.InvokeAsync(
            (c, ctx) => c.EchoAsync("three", ctx.CancellationToken), new RpcCallOptions { WaitForConnection = TimeSpan.FromSeconds(60) }));
        Assert.Equal(RpcUnavailableReason.BacklogFull, full.Reason);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2), $"the refusal took {started.Elapsed.TotalMilliseconds:0} ms");
        Assert.All(waiting, w => Assert.False(w.IsCompleted));

        await server.StartAsync();
        Assert.Equal(["node-a:one", "node-a:two"], await Task.WhenAll(waiting).WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_call_with_a_request_id_cut_by_SIGKILL_is_retried_on_the_standby_and_runs_once()
    {
        using var active = new GrpcServerProcess("node-a");
        using var standby = new GrpcServerProcess("node-b");
        await active.StartAsync();

        // Both servers share one ledger, as two nodes share one vault: the standby knows what the active one ran.
        await standby.StartAsync(active.LedgerPath);
        await using var client = new GrpcClientUnderTest(
            new FixedDelaysRetryPolicy([TimeSpan.Zero, TimeSpan.FromMilliseconds(100)], repeatLast: true), new GrpcRpcTransportOptions(), null, active, standby);
        await client.Connection.ConnectAsync();

        var payment = client.Connection.InvokeAsync(
            (c, ctx) => c.ExecuteAsync(ctx.RequestId, 60_000, ctx.CancellationToken),
            new RpcCallOptions { RequestId = "payment-42", WaitForConnection = TimeSpan.FromSeconds(30) });
        await Eventually.True(() => GrpcServerProcess.Executions(active.LedgerPath, "payment-42") == 1, "the payment executed by node-a");
        active.Kill();

        // Retried with the same id on node-b, which finds it already executed and does not run it again.
        Assert.Equal("node-b:deduplicated:payment-42", await payment.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, GrpcServerProcess.Executions(active.LedgerPath, "payment-42"));
        Assert.Equal(1, GrpcServerProcess.Deduplications(active.LedgerPath, "payment-42"));

        // Without a request id, a call that may have run is not retried: the caller is told.
        var plain = client.Connection.InvokeAsync((c, ctx) => c.ExecuteAsync(ctx.RequestId, 60_000, ctx.CancellationToken), new RpcCallOptions { WaitForConnection = TimeSpan.FromSeconds(30) });
        string? generated = null;
        await Eventually.True(
            () => (generated = File.ReadAllLines(active.LedgerPath).Select(l => l.Split(' ')).FirstOrDefault(p => p is ["node-b", _])?[1]) is not null,
            "the plain call executed by node-b");
        standby.Kill();
        var lost = await Assert.ThrowsAsync<RpcConnectionLostException>(() => plain.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(lost.MayHaveReachedServer);
        Assert.Equal(generated, lost.RequestId);
        Assert.Equal(1, GrpcServerProcess.Executions(active.LedgerPath, generated!));
    }
}
