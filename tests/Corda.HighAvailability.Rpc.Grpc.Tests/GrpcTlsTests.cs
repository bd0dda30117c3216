using System.Diagnostics;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Corda.HighAvailability.Rpc.Calls;
using Corda.HighAvailability.Rpc.Retry;
using Corda.HighAvailability.Rpc.State;
using Corda.HighAvailability.Rpc.Transport;
using Corda.HighAvailability.Testing;
using Grpc.Core;
using Grpc.Net.Client;

namespace Corda.HighAvailability.Rpc.Grpc.Tests;

/// <summary>
/// The gRPC transport over real TLS: a TestServer process serving HTTP/2 over TLS with certificates made for the test
/// (and, for mutual TLS, requiring a client certificate of a client CA), killed with SIGKILL and restarted.
/// </summary>
public sealed class GrpcTlsTests(ITestOutputHelper output)
{
    private static readonly X509Certificate2 Ca = TestCertificates.Ca("grpc-tls-server-ca");
    private static readonly X509Certificate2 ClientCa = TestCertificates.Ca("grpc-tls-client-ca");

    private static ResilientRpcConnection<NodeClient> Connect(GrpcServerProcess server, GrpcRpcTransportOptions transportOptions, IRpcRetryPolicy? policy = null)
    {
        transportOptions.KeepAlivePingDelay = TimeSpan.FromSeconds(1);
        transportOptions.KeepAlivePingTimeout = TimeSpan.FromSeconds(1);
        var options = new ResilientRpcOptions { ConnectTimeout = TimeSpan.FromSeconds(10) };
        if (policy is not null)
        {
            options.ReconnectPolicy = policy;
        }

        options.Endpoints.Add(new RpcEndpoint(server.Name, server.TlsAddress));
        return new ResilientRpcConnection<NodeClient>("node-tls", new GrpcRpcTransport<NodeClient>(invoker => new NodeClient(invoker), transportOptions), options);
    }

    private static GrpcRpcTransportOptions TrustingCa(X509Certificate2? clientCertificate = null)
    {
        var options = new GrpcRpcTransportOptions { ClientCertificate = clientCertificate };
        options.TrustedCertificateAuthorities.Add(Ca);
        return options;
    }

    /// <summary>A first connection that fails: the connection closes, with the TLS error as its last error.</summary>
    private async Task<AuthenticationException> FirstConnectFailsAsync(GrpcServerProcess server, GrpcRpcTransportOptions options)
    {
        await using var connection = Connect(server, options);
        var refused = await Assert.ThrowsAsync<RpcUnavailableException>(() => connection.ConnectAsync());
        output.WriteLine(refused.Message);
        var tls = Assert.IsType<AuthenticationException>(connection.State.LastError);
        Assert.StartsWith($"TLS handshake with {server.Name}", tls.Message, StringComparison.Ordinal);
        Assert.Contains("TLS handshake", refused.Message, StringComparison.Ordinal);
        return tls;
    }

    [Fact]
    public async Task An_https_server_of_a_private_CA_serves_calls_and_is_refused_without_trusting_that_CA_never_sent()
    {
        using var server = new GrpcServerProcess("node-a");
        ServerTlsFiles.Use(server, TestCertificates.Server(Ca, "localhost"));
        await server.StartAsync();

        await using (var trusted = Connect(server, TrustingCa()))
        {
            await trusted.ConnectAsync();
            Assert.Equal("node-a:over-tls", await trusted.InvokeAsync((c, ctx) => c.EchoAsync("over-tls", ctx.CancellationToken)));
        }

        // The default: the system trust store, which does not hold the test CA.
        var untrusted = await FirstConnectFailsAsync(server, new GrpcRpcTransportOptions());
        Assert.Contains("is not trusted", untrusted.Message, StringComparison.Ordinal);
        Assert.Contains("system trust store", untrusted.Message, StringComparison.Ordinal);

        // A call on a plain channel that meets the same certificate never reached the server.
        using var channel = GrpcChannel.ForAddress(server.TlsAddress);
        var error = await Assert.ThrowsAsync<RpcException>(() => new NodeClient(channel.CreateCallInvoker()).ExecuteAsync("never", 0));
        output.WriteLine($"{error.StatusCode}: {error.Status.DebugException}");
        var transport = new GrpcRpcTransport<NodeClient>(i => new NodeClient(i));
        Assert.Equal(RpcFailureKind.ConnectionLostBeforeSend, transport.Classify(error));
        Assert.Equal(RpcFailureKind.ConnectionLostBeforeSend, transport.Classify(untrusted));
        Assert.Equal(0, GrpcServerProcess.Executions(server.LedgerPath, "never"));
    }

    [Fact]
    public async Task With_no_TLS_setting_an_https_endpoint_is_trusted_through_the_system_trust_store()
    {
        using var server = new GrpcServerProcess("node-a");
        ServerTlsFiles.Use(server, TestCertificates.Server(Ca, "localhost"));
        await server.StartAsync();

        // A client process whose system trust store (OpenSSL's, which .NET reads on Linux) is the test CA alone; the
        // machine's store is left alone. The control: the same client with the machine's store refuses the server.
        var bundle = TestCertificates.WritePem(server.Dir, "system-roots.pem", Ca);
        var emptyDir = Directory.CreateDirectory(Path.Combine(server.Dir, "no-certs")).FullName;
        var (trustedExit, trustedOutput) = await RunDefaultTrustClientAsync(server.TlsAddress, new() { ["SSL_CERT_FILE"] = bundle, ["SSL_CERT_DIR"] = emptyDir });
        output.WriteLine(trustedOutput);
        Assert.Equal(0, trustedExit);
        Assert.Equal("node-a:default-trust", trustedOutput.Trim());

        var (machineExit, machineOutput) = await RunDefaultTrustClientAsync(server.TlsAddress, []);
        output.WriteLine(machineOutput);
        Assert.Equal(1, machineExit);
        Assert.Contains("TLS handshake", machineOutput, StringComparison.Ordinal);
        Assert.Contains("system trust store", machineOutput, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunDefaultTrustClientAsync(Uri address, Dictionary<string, string> environment)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Corda.HighAvailability.Rpc.Grpc.TestServer.dll"));
        info.ArgumentList.Add("--default-trust-client");
        info.ArgumentList.Add(address.ToString());
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("the client did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task A_certificate_for_another_name_or_expired_is_refused_and_the_message_says_which()
    {
        using var server = new GrpcServerProcess("node-a");
        ServerTlsFiles.Use(server, TestCertificates.Server(Ca, "elsewhere.example"));
        await server.StartAsync();
        var mismatch = await FirstConnectFailsAsync(server, TrustingCa());
        Assert.Contains("name mismatch", mismatch.Message, StringComparison.Ordinal);
        Assert.Contains("not 'localhost'", mismatch.Message, StringComparison.Ordinal);

        server.Kill();
        ServerTlsFiles.Use(server, TestCertificates.Server(Ca, "localhost", DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(-1)));
        await server.StartAsync();
        var expired = await FirstConnectFailsAsync(server, TrustingCa());
        Assert.Contains("expired or not yet valid", expired.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_requiring_a_client_certificate_refuses_none_and_a_foreign_one_clearly_and_accepts_its_CAs()
    {
        using var server = new GrpcServerProcess("node-a");
        ServerTlsFiles.Use(server, TestCertificates.Server(Ca, "localhost"), clientCa: ClientCa);
        await server.StartAsync();

        var none = await FirstConnectFailsAsync(server, TrustingCa());
        Assert.Contains("requires a client certificate", none.Message, StringComparison.Ordinal);
        Assert.Contains("GrpcRpcTransportOptions.ClientCertificate", none.Message, StringComparison.Ordinal);

        using var foreign = TestCertificates.Client(TestCertificates.Ca("someone-else"), "intruder");
        var refused = await FirstConnectFailsAsync(server, TrustingCa(foreign));
        Assert.Contains("did not accept the client certificate", refused.Message, StringComparison.Ordinal);
        Assert.Contains("CN=intruder", refused.Message, StringComparison.Ordinal);

        using var gateway = TestCertificates.Client(ClientCa, "gateway");
        await using var connection = Connect(server, TrustingCa(gateway));
        await connection.ConnectAsync();
        Assert.Equal("node-a:mtls", await connection.InvokeAsync((c, ctx) => c.EchoAsync("mtls", ctx.CancellationToken)));
    }

    [Fact]
    public async Task Over_mutual_TLS_a_server_killed_and_restarted_with_a_rotated_certificate_is_reconnected_to()
    {
        using var server = new GrpcServerProcess("node-a");
        using var first = TestCertificates.Server(Ca, "localhost");
        ServerTlsFiles.Use(server, first, clientCa: ClientCa);
        await server.StartAsync();

        using var gateway = TestCertificates.Client(ClientCa, "gateway");
        var presented = new List<string>();
        var options = TrustingCa(gateway);

        // ConfigureSsl runs for every connection; this callback keeps the platform's verdict (made against the
        // trusted CA above) and records which server certificate was presented.
        options.ConfigureSsl = ssl => ssl.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            lock (presented)
            {
                presented.Add(certificate!.GetCertHashString());
            }

            return errors == System.Net.Security.SslPolicyErrors.None;
        };
        await using var connection = Connect(server, options, new FixedDelaysRetryPolicy([TimeSpan.Zero, TimeSpan.FromMilliseconds(100)], repeatLast: true));
        await connection.ConnectAsync();
        Assert.Equal("node-a:before", await connection.InvokeAsync((c, ctx) => c.EchoAsync("before", ctx.CancellationToken)));

        // A non-idempotent call the server has executed and holds when it is killed.
        var inFlight = connection.InvokeAsync((c, ctx) => c.ExecuteAsync(ctx.RequestId, 60_000, ctx.CancellationToken));
        await Eventually.True(() => File.Exists(server.LedgerPath) && File.ReadAllText(server.LedgerPath).Length > 0, "the call executed by the server");
        server.Kill();
        var lost = await Assert.ThrowsAsync<RpcConnectionLostException>(() => inFlight.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.True(lost.MayHaveReachedServer);
        Assert.Equal(1, GrpcServerProcess.Executions(server.LedgerPath, lost.RequestId));
        await Eventually.True(() => connection.State.Status is RpcConnectionStatus.Reconnecting or RpcConnectionStatus.Disconnected, "the loss seen");

        // The same CA issues the restarted server a new certificate (as a PFX file this time).
        using var rotated = TestCertificates.Server(Ca, "localhost");
        ServerTlsFiles.Use(server, rotated, clientCa: ClientCa, pfxPassword: "rotated-" + Guid.NewGuid().ToString("N"));
        var restarted = Stopwatch.StartNew();
        await server.StartAsync();
        await Eventually.True(() => connection.State.Status == RpcConnectionStatus.Connected, "reconnected over TLS");
        output.WriteLine($"TLS server restarted with a rotated certificate -> reconnected: {restarted.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal("node-a:after", await connection.InvokeAsync((c, ctx) => c.EchoAsync("after", ctx.CancellationToken)));
        lock (presented)
        {
            Assert.Equal(first.GetCertHashString(), presented[0]);
            Assert.Equal(rotated.GetCertHashString(), presented[^1]);
        }
    }
}
