using System.Diagnostics;
using Corda.HighAvailability.Rpc.Calls;
using Corda.HighAvailability.Rpc.Retry;
using Corda.HighAvailability.Rpc.State;
using Corda.HighAvailability.Rpc.Transport;
using static Corda.HighAvailability.Rpc.State.RpcConnectionEventKind;

namespace Corda.HighAvailability.Rpc.Grpc.Tests;

/// <summary>
/// The health watch against real server processes: an idle connection's loss at SIGKILL, a silent host (SIGSTOP)
/// found by keep-alive pings on the watch's stream, failover away from a server reporting NOT_SERVING, and servers
/// without the health service (used without the watch, or refused when it is required).
/// </summary>
public sealed class GrpcHealthWatchTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task An_idle_connection_to_a_server_killed_with_SIGKILL_is_lost_at_once_not_at_the_channels_5_s_socket_check()
    {
        using var server = new GrpcServerProcess("node-a");
        await server.StartAsync();
        await using var client = new GrpcClientUnderTest(new FixedDelaysRetryPolicy([Step], repeatLast: true), new GrpcRpcTransportOptions(), null, server);
        await client.Connection.ConnectAsync();

        // No call is ever made: only the health watch's stream can tell at once.
        var killed = Stopwatch.GetTimestamp();
        server.Kill();
        var (lost, after) = await client.WaitForAsync(Disconnected, killed);
        output.WriteLine($"SIGKILL -> Disconnected on an idle connection: {after.TotalMilliseconds:0} ms ({lost.State.Reason})");

        // Either the watch's stream or the channel's state (which now follows the HTTP/2 connection the watch opened)
        // reports it first; without the watch, no call having taken the socket, it took about 5.2 s.
        Assert.NotNull(lost.State.Reason);

        // Generous for a loaded machine, and still well below the 5 s socket check it replaces.
        Assert.True(after < TimeSpan.FromSeconds(3), $"the loss took {after.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task A_silent_host_stopped_with_SIGSTOP_is_lost_after_the_keep_alive_ping_and_reconnected_after_SIGCONT()
    {
        using var server = new GrpcServerProcess("node-a");
        await server.StartAsync();
        var transport = new GrpcRpcTransportOptions { KeepAlivePingDelay = TimeSpan.FromSeconds(1), KeepAlivePingTimeout = TimeSpan.FromSeconds(1) };
        await using var client = new GrpcClientUnderTest(new FixedDelaysRetryPolicy([Step], repeatLast: true), transport, o => o.ConnectTimeout = TimeSpan.FromSeconds(2), server);
        await client.Connection.ConnectAsync();

        var stopped = Stopwatch.GetTimestamp();
        server.Freeze();
        try
        {
            // The socket stays open (the kernel still acknowledges): only an unanswered HTTP/2 ping can tell.
            var (lost, after) = await client.WaitForAsync(Disconnected, stopped, 30_000);
            output.WriteLine($"SIGSTOP -> Disconnected (ping delay 1 s + timeout 1 s): {after.TotalMilliseconds:0} ms ({lost.State.Reason})");
            Assert.True(after < TimeSpan.FromSeconds(12), $"the loss took {after.TotalMilliseconds:0} ms");

            // While it is stopped, connect attempts are cut by the connect timeout (the TCP connect succeeds, the health service never answers).
            await Eventually.True(() => client.Connection.State is { Status: RpcConnectionStatus.Reconnecting, Attempt: >= 2 }, "attempts failing while the server is stopped");
        }
        finally
        {
            server.Thaw();
        }

        var resumed = Stopwatch.GetTimestamp();
        var (_, back) = await client.WaitForAsync(Reconnected, resumed, 30_000);
        output.WriteLine($"SIGCONT -> Reconnected: {back.TotalMilliseconds:0} ms");
        Assert.Equal("node-a:again", await client.Connection.InvokeAsync((c, ctx) => c.EchoAsync("again", ctx.CancellationToken)));
    }

    [Fact]
    public async Task A_server_reporting_NOT_SERVING_is_left_for_the_second_server_with_the_reason()
    {
        using var active = new GrpcServerProcess("node-a");
        using var standby = new GrpcServerProcess("node-b");
        await Task.WhenAll(active.StartAsync(), standby.StartAsync());
        await using var client = new GrpcClientUnderTest(new FixedDelaysRetryPolicy(Enumerable.Repeat(Step, 20)), new GrpcRpcTransportOptions(), null, active, standby);
        await client.Connection.ConnectAsync();
        Assert.Equal("node-a", client.Connection.State.Endpoint!.Name);

        // The process is up and its port open (a proxy whose node is down): only its health says so.
        var flipped = Stopwatch.GetTimestamp();
        active.SetHealth("NOT_SERVING");
        var (lost, after) = await client.WaitForAsync(Disconnected, flipped);
        Assert.Contains("reports NOT_SERVING", lost.State.Reason, StringComparison.Ordinal);
        var (back, failover) = await client.WaitForAsync(Reconnected, flipped);
        output.WriteLine($"NOT_SERVING -> Disconnected {after.TotalMilliseconds:0} ms, -> Reconnected to {back.State.Endpoint?.Name} {failover.TotalMilliseconds:0} ms");
        Assert.Equal("node-b", back.State.Endpoint!.Name);
        Assert.Equal("node-b:x", await client.Connection.InvokeAsync((c, ctx) => c.EchoAsync("x", ctx.CancellationToken)));

        // The sticky selector tried node-a first and was refused by its health, not by its socket.
        Assert.Contains(client.Events(), e => e.Kind == Reconnecting && e.State.LastError?.Message.Contains("reports NOT_SERVING", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task A_server_without_the_health_service_works_without_the_watch_unless_the_watch_is_required()
    {
        using var plain = new GrpcServerProcess("plain", health: false);
        await plain.StartAsync();
        var endpoint = new RpcEndpoint("plain", plain.Address);

        var log = new ListLogger();
        var lenient = new GrpcRpcTransport<NodeClient>(i => new NodeClient(i), logger: log);
        await using (var connection = await lenient.ConnectAsync(endpoint, CancellationToken.None))
        {
            Assert.Equal("plain:x", await connection.Client.EchoAsync("x"));
            Assert.False(connection.Closed.IsCompleted);
        }

        var missing = Assert.Single(log.Entries);
        Assert.Equal(4100, missing.Id.Id);
        Assert.Contains("does not offer the gRPC health service (Unimplemented)", missing.Message, StringComparison.Ordinal);

        var strict = new GrpcRpcTransport<NodeClient>(i => new NodeClient(i), new GrpcRpcTransportOptions { HealthWatch = GrpcHealthWatchMode.Required });
        var refused = await Assert.ThrowsAsync<IOException>(() => strict.ConnectAsync(endpoint, CancellationToken.None).AsTask());
        Assert.Contains("does not offer the gRPC health service (Unimplemented) and GrpcRpcTransportOptions.HealthWatch is Required", refused.Message, StringComparison.Ordinal);

        var off = new GrpcRpcTransport<NodeClient>(i => new NodeClient(i), new GrpcRpcTransportOptions { HealthWatch = GrpcHealthWatchMode.Off });
        await using (var connection = await off.ConnectAsync(endpoint, CancellationToken.None))
        {
            Assert.Equal("plain:y", await connection.Client.EchoAsync("y"));
        }

        // Without the watch, the loss of an idle connection (no call made) is still found, from the channel's state:
        // the probe for the health service opened the HTTP/2 connection, whose end the channel sees.
        await using var idle = await lenient.ConnectAsync(endpoint, CancellationToken.None);
        var killed = Stopwatch.StartNew();
        plain.Kill();
        Assert.NotNull(await idle.Closed.WaitAsync(TimeSpan.FromSeconds(30)));
        output.WriteLine($"no health service: SIGKILL -> Closed on an idle connection: {killed.Elapsed.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task An_unknown_service_is_refused_at_connect_and_a_status_cleared_while_connected_closes_the_connection()
    {
        using var server = new GrpcServerProcess("node-a");
        await server.StartAsync();
        var endpoint = new RpcEndpoint("node-a", server.Address);

        var wrongName = new GrpcRpcTransport<NodeClient>(i => new NodeClient(i), new GrpcRpcTransportOptions { HealthService = "corda.test.Missing" });
        var refused = await Assert.ThrowsAsync<IOException>(() => wrongName.ConnectAsync(endpoint, CancellationToken.None).AsTask());
        Assert.Contains("(service 'corda.test.Missing') reports SERVICE_UNKNOWN", refused.Message, StringComparison.Ordinal);

        await using var connection = await new GrpcRpcTransport<NodeClient>(i => new NodeClient(i)).ConnectAsync(endpoint, CancellationToken.None);
        server.SetHealth("SERVICE_UNKNOWN");
        var reason = await connection.Closed.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains("reports SERVICE_UNKNOWN", reason!.Message, StringComparison.Ordinal);
    }
}
