using Corda.HighAvailability.Rpc.Grpc.TestServer;
using Corda.HighAvailability.Rpc.Transport;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Rpc.Grpc.Tests;

/// <summary>
/// Classification of real gRPC failures (a refused connection, a server error, a dead connection), the transport's
/// connect attempt against a closed port, and option validation at construction and at host start.
/// </summary>
public sealed class GrpcTransportUnitTests
{
    private static readonly GrpcRpcTransport<NodeClient> Transport = new(invoker => new NodeClient(invoker));

    [Fact]
    public async Task A_refused_connection_is_classified_as_lost_before_send_and_fails_the_connect_attempt_at_once()
    {
        using var closed = new GrpcServerProcess("closed");
        using var channel = GrpcChannel.ForAddress(closed.Address);
        var error = await Assert.ThrowsAsync<RpcException>(() => new NodeClient(channel.CreateCallInvoker()).EchoAsync("x"));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(RpcFailureKind.ConnectionLostBeforeSend, Transport.Classify(error));

        // The attempt ends at the first TransientFailure, not at the resilient connection's connect timeout.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var attempt = Transport.ConnectAsync(new RpcEndpoint("closed", closed.Address), timeout.Token).AsTask();
        var failure = await Assert.ThrowsAsync<IOException>(() => attempt);
        Assert.Contains("TransientFailure", failure.Message, StringComparison.Ordinal);
        Assert.False(timeout.IsCancellationRequested);
    }

    [Fact]
    public async Task A_server_error_is_not_a_connection_failure_and_a_call_cut_by_SIGKILL_may_have_reached_the_server()
    {
        using var server = new GrpcServerProcess("node-a");
        await server.StartAsync();
        await using var connection = await Transport.ConnectAsync(new RpcEndpoint("node-a", server.Address), CancellationToken.None);
        Assert.False(connection.Closed.IsCompleted);

        // Unimplemented: the server answered; the connection is fine.
        using var channel = GrpcChannel.ForAddress(server.Address);
        var unknown = new Method<string, string>(MethodType.Unary, NodeMethods.ServiceName, "Missing", NodeMethods.Echo.RequestMarshaller, NodeMethods.Echo.ResponseMarshaller);
        var appError = await Assert.ThrowsAsync<RpcException>(async () => await channel.CreateCallInvoker().AsyncUnaryCall(unknown, null, default, "x"));
        Assert.Equal(StatusCode.Unimplemented, appError.StatusCode);
        Assert.Equal(RpcFailureKind.NotConnectionFailure, Transport.Classify(appError));

        var inFlight = connection.Client.ExecuteAsync("cut", 60_000);
        await Eventually.True(() => GrpcServerProcess.Executions(server.LedgerPath, "cut") == 1, "executed by the server");
        server.Kill();
        var cut = await Assert.ThrowsAsync<RpcException>(() => inFlight.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(RpcFailureKind.ConnectionLostAfterSend, Transport.Classify(cut));
        Assert.NotNull(await connection.Closed.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task A_call_in_flight_when_its_connection_is_disposed_is_a_connection_lost_after_send_not_a_cancellation()
    {
        using var server = new GrpcServerProcess("node-a");
        await server.StartAsync();
        var connection = await Transport.ConnectAsync(new RpcEndpoint("node-a", server.Address), CancellationToken.None);
        var inFlight = connection.Client.ExecuteAsync("disposed", 60_000);
        await Eventually.True(() => GrpcServerProcess.Executions(server.LedgerPath, "disposed") == 1, "executed by the server");

        // What the resilient connection does once it knows a connection is dead.
        await connection.DisposeAsync();
        var lost = await Assert.ThrowsAsync<RpcException>(() => inFlight.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(StatusCode.Unavailable, lost.StatusCode);
        Assert.Equal(RpcFailureKind.ConnectionLostAfterSend, Transport.Classify(lost));

        // The caller's own cancellation stays a cancellation.
        await using var live = await Transport.ConnectAsync(new RpcEndpoint("node-a", server.Address), CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var cancelled = live.Client.ExecuteAsync("cancelled", 60_000, cancel.Token);
        await Eventually.True(() => GrpcServerProcess.Executions(server.LedgerPath, "cancelled") == 1, "executed by the server");
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task A_call_in_flight_to_a_silent_host_is_cut_by_the_keep_alive_ping_and_may_have_reached_the_server()
    {
        using var server = new GrpcServerProcess("node-a");
        await server.StartAsync();
        var transport = new GrpcRpcTransport<NodeClient>(i => new NodeClient(i), new GrpcRpcTransportOptions { KeepAlivePingDelay = TimeSpan.FromSeconds(1), KeepAlivePingTimeout = TimeSpan.FromSeconds(1) });
        await using var connection = await transport.ConnectAsync(new RpcEndpoint("node-a", server.Address), CancellationToken.None);
        var inFlight = connection.Client.ExecuteAsync("silent", 60_000);
        await Eventually.True(() => GrpcServerProcess.Executions(server.LedgerPath, "silent") == 1, "executed by the server");
        server.Freeze();
        try
        {
            var cut = await Assert.ThrowsAsync<RpcException>(() => inFlight.WaitAsync(TimeSpan.FromSeconds(30)));

            // Grpc.Net.Client says Internal (the ping's HttpProtocolException); the server never sent that status.
            Assert.Equal(StatusCode.Internal, cut.StatusCode);
            Assert.Equal(RpcFailureKind.NotConnectionFailure, Transport.Classify(new RpcException(new Status(StatusCode.Internal, "a server's own error, no transport exception"))));
            Assert.Equal(RpcFailureKind.ConnectionLostAfterSend, Transport.Classify(cut));
            Assert.NotNull(await connection.Closed.WaitAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            server.Thaw();
        }
    }

    [Fact]
    public void Bad_options_are_refused_naming_the_option()
    {
        var error = Assert.Throws<ArgumentException>(() => new GrpcRpcTransport<NodeClient>(i => new NodeClient(i), new GrpcRpcTransportOptions { KeepAlivePingDelay = TimeSpan.Zero, MaxReceiveMessageSize = -1 }));
        Assert.Contains("GrpcRpcTransportOptions.KeepAlivePingDelay must be positive", error.Message, StringComparison.Ordinal);
        Assert.Contains("GrpcRpcTransportOptions.MaxReceiveMessageSize must be positive", error.Message, StringComparison.Ordinal);
        Assert.True(new GrpcRpcTransportOptionsValidator().Validate(null, new GrpcRpcTransportOptions()).Succeeded);
        var health = new GrpcRpcTransportOptionsValidator().Validate(null, new GrpcRpcTransportOptions { HealthWatch = (GrpcHealthWatchMode)7, HealthService = null! });
        Assert.Contains("GrpcRpcTransportOptions.HealthWatch must be Off, WhenAvailable or Required, not 7", health.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("GrpcRpcTransportOptions.HealthService must not be null", health.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_di_registration_validates_the_transport_options_at_start()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCordaHa(ha => ha.AddGrpcResilientRpc(
            "node",
            invoker => new NodeClient(invoker),
            o => o.Endpoints.Add(new RpcEndpoint("node-a", new Uri("http://127.0.0.1:1"))),
            t => t.ConnectTimeout = TimeSpan.FromDays(1)));
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("GrpcRpcTransportOptions.ConnectTimeout must be positive", error.Message, StringComparison.Ordinal);
    }
}
