using System.Diagnostics;
using Corda.HighAvailability.Rpc.Calls;
using Corda.HighAvailability.Rpc.Health;
using Corda.HighAvailability.Rpc.Retry;
using Corda.HighAvailability.Rpc.State;
using Corda.HighAvailability.Rpc.Tests.Infrastructure;
using Corda.HighAvailability.Rpc.Transport;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using static Corda.HighAvailability.Rpc.State.RpcConnectionEventKind;

namespace Corda.HighAvailability.Rpc.Tests.RealTcp;

/// <summary>
/// The resilient connection over real TCP sockets to real loopback servers whose listener and connections are torn
/// down (connections reset) and restarted: the state sequence, fail-fast and waiting calls, in-flight calls that may
/// have run, request-id reuse across a failover, and giving up when both servers stay down. Real time, fast policy.
/// </summary>
public sealed class RealTcpReconnectionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);

    private static Task<string> Send(ResilientRpcConnection<LineClient> connection, string command, string argument = "", RpcCallOptions? options = null) =>
        connection.InvokeAsync((c, ctx) => c.CallAsync(ctx.RequestId, command, argument, ctx.CancellationToken), options);

    private static (ResilientRpcConnection<LineClient> Connection, List<RpcConnectionEvent> Events) Connect(IRpcRetryPolicy policy, params LineServer[] servers)
    {
        var options = new ResilientRpcOptions { ReconnectPolicy = policy, ConnectTimeout = TimeSpan.FromSeconds(5) };
        foreach (var server in servers)
        {
            options.Endpoints.Add(new RpcEndpoint(server.Name, server.Address));
        }

        var connection = new ResilientRpcConnection<LineClient>("node-rpc", new LineTransport(), options);
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
    public async Task A_killed_and_restarted_server_is_reported_step_by_step_and_reconnected()
    {
        var ledger = new ServerLedger();
        using var server = new LineServer("node-a", ledger);
        server.Start();
        var (connection, events) = Connect(new FixedDelaysRetryPolicy([TimeSpan.Zero, Step], repeatLast: true), server);
        await using var _ = connection;
        await connection.ConnectAsync();
        Assert.Equal("node-a:hello", await Send(connection, "ECHO", "hello"));

        // A non-idempotent request executed by the server, whose reply dies with it.
        var inFlight = Send(connection, "HOLD", options: new RpcCallOptions { WaitForConnection = TimeSpan.FromSeconds(30) });
        await Eventually.True(() => ledger.Executed.Any(e => e.Command == "HOLD"), "HOLD executed by the server");
        server.Kill();

        var lost = await Assert.ThrowsAsync<RpcConnectionLostException>(() => inFlight.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.True(lost.MayHaveReachedServer);
        Assert.Equal(1, ledger.Count(lost.RequestId));
        await Eventually.True(() => connection.State.Status == RpcConnectionStatus.Reconnecting, "reconnecting");

        // While the server is down: fail fast with the state; the health check says Degraded; a waiting call waits.
        var refused = await Assert.ThrowsAsync<RpcUnavailableException>(() => Send(connection, "INC"));
        Assert.Equal(RpcConnectionStatus.Reconnecting, refused.State.Status);
        Assert.NotNull(refused.RetryAfter);
        Assert.True(refused.RetryAfter <= Step, $"retry after {refused.RetryAfter}");
        var health = ResilientRpcHealthCheck.Report(connection.Name, connection.State, HealthStatus.Unhealthy);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        var waiting = Send(connection, "ECHO", "after-restart", new RpcCallOptions { Idempotent = true, WaitForConnection = TimeSpan.FromSeconds(30) });
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);

        var restarted = Stopwatch.StartNew();
        server.Start();
        Assert.Equal("node-a:after-restart", await waiting.WaitAsync(TimeSpan.FromSeconds(15)));
        await Eventually.True(() => connection.State.Status == RpcConnectionStatus.Connected, "connected");
        output.WriteLine($"server restarted to call served: {restarted.Elapsed.TotalMilliseconds:0} ms (policy: 0, then {Step.TotalMilliseconds} ms)");
        Assert.Equal("1", await Send(connection, "INC"));

        var kinds = Kinds(events);
        output.WriteLine(string.Join(", ", kinds));
        Assert.Equal([Connecting, Connected, Disconnected], kinds.Take(3));
        Assert.Equal(Reconnected, kinds[^1]);
        Assert.All(kinds.Skip(3).SkipLast(1), k => Assert.Equal(Reconnecting, k));
        Assert.True(kinds.Count(k => k == Reconnecting) >= 2, "at least one failed attempt while the server was down");
        Assert.DoesNotContain(ledger.Executed.Where(e => e.Command is "HOLD" or "INC").GroupBy(e => e.RequestId), g => g.Count() > 1);
    }

    [Fact]
    public async Task Under_the_default_policy_the_client_is_back_at_the_first_attempt_after_the_server_is_ready()
    {
        var ledger = new ServerLedger();
        using var server = new LineServer("node-a", ledger);
        server.Start();
        var (connection, events) = Connect(ExponentialBackoffRetryPolicy.Default, server);
        await using var _ = connection;
        await connection.ConnectAsync();
        server.Kill();
        // Let the backoff grow past its first steps (attempt 1 at once, attempt 2 after ~1 s).
        await Eventually.True(() => connection.State is { Status: RpcConnectionStatus.Reconnecting, Attempt: >= 3 }, "attempt 3 scheduled");

        server.Start();
        var ready = DateTimeOffset.UtcNow;
        var scheduled = connection.State.NextAttemptAt!.Value;
        await Eventually.True(() => connection.State.Status == RpcConnectionStatus.Connected, "reconnected");
        var back = DateTimeOffset.UtcNow;

        var waitForSchedule = scheduled > ready ? scheduled - ready : TimeSpan.Zero;
        var late = back - ready - waitForSchedule;
        output.WriteLine($"server ready -> reconnected: {(back - ready).TotalMilliseconds:0} ms; the attempt was scheduled {waitForSchedule.TotalMilliseconds:0} ms after ready; {late.TotalMilliseconds:0} ms after its schedule");
        // Back at the scheduled attempt, not one step later: a generous margin for a loaded 2-core machine.
        Assert.True(late < TimeSpan.FromSeconds(1.5), $"reconnected {late.TotalMilliseconds:0} ms after the scheduled attempt");
        Assert.Equal(Reconnected, Kinds(events)[^1]);
    }

    [Fact]
    public async Task Failover_to_the_standby_reuses_the_request_id_so_the_flow_runs_once_then_both_down_closes()
    {
        var ledger = new ServerLedger();
        using var active = new LineServer("node-a", ledger);
        using var standby = new LineServer("node-b", ledger);
        active.Start();
        standby.Start();
        var (connection, events) = Connect(new FixedDelaysRetryPolicy(Enumerable.Repeat(Step, 20)), active, standby);
        await using var _ = connection;
        await connection.ConnectAsync();
        Assert.Equal("node-a", connection.State.Endpoint!.Name);

        // A flow started with the caller's id; the active dies after starting it, before answering.
        var flow = Send(connection, "START_FLOW", "hold", new RpcCallOptions { RequestId = "payment-2026-0042", WaitForConnection = TimeSpan.FromSeconds(30) });
        await Eventually.True(() => ledger.Flows.ContainsKey("payment-2026-0042"), "flow started on the active");
        active.Kill();

        // Retried on the standby under the same id: it finds the flow, it does not start another.
        Assert.Equal("existing:node-a-flow", await flow.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(1, ledger.Count("payment-2026-0042"));
        Assert.Equal("node-b", connection.State.Endpoint!.Name);
        Assert.Contains(Reconnected, Kinds(events));
        Assert.Equal("node-b", events.Last(e => e.Kind == Reconnected).State.Endpoint!.Name);

        // Both down: the policy gives up after its 20 delays and the connection closes with the reason.
        standby.Kill();
        await Eventually.True(() => connection.State.Status == RpcConnectionStatus.Closed, "closed after both servers went down");
        Assert.Contains("gave up after 20 failed attempts", connection.State.Reason, StringComparison.Ordinal);
        Assert.Equal(Closed, Kinds(events)[^1]);
        var refused = await Assert.ThrowsAsync<RpcUnavailableException>(() => Send(connection, "ECHO", "x", new RpcCallOptions { WaitForConnection = TimeSpan.FromSeconds(5) }));
        Assert.Equal(RpcUnavailableReason.Closed, refused.Reason);
    }
}
