using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Corda.HighAvailability.Tool.Probe;

namespace Corda.HighAvailability.IntegrationTests.Probe;

/// <summary>
/// <c>corda-ha probe --grpc</c> run as the real tool binary against a real gRPC server with the standard health
/// service (the gRPC transport tests' TestServer, its own process) whose status the test switches, a closed port, and bad URLs.
/// </summary>
public sealed class ProbeGrpcTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private async Task<ToolRun> RunAsync(params string[] arguments)
    {
        var run = await CordaHaTool.RunAsync(Timeout, arguments);
        output.WriteLine(run.ToString());
        return run;
    }

    [Fact]
    public async Task A_SERVING_server_exits_0_with_the_check_in_JSON_and_NOT_SERVING_exits_2_naming_the_status()
    {
        using var server = await GrpcHealthServer.StartAsync();
        var address = server.Address.ToString().TrimEnd('/');

        var serving = await RunAsync("probe", "--grpc", address, "--format", "json", "--repeat", "3", "--interval", "100ms");
        Assert.True(serving.ExitCode == ProbeExitCodes.Healthy, serving.ToString());
        var rounds = serving.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, rounds.Length);
        using (var last = JsonDocument.Parse(rounds[^1]))
        {
            var check = Assert.Single(last.RootElement.GetProperty("checks").EnumerateArray().ToList());
            Assert.Equal($"grpc:{address}", check.GetProperty("name").GetString());
            Assert.Equal("Healthy", check.GetProperty("status").GetString());
            var data = check.GetProperty("data");
            Assert.Equal("SERVING", data.GetProperty("status").GetString());
            Assert.Equal(address, data.GetProperty("address").GetString());
            Assert.True(data.GetProperty("latencyMs").GetDouble() > 0);

            // The rounds share the check and its connection.
            Assert.Equal(1, data.GetProperty("connectionsOpened").GetInt64());
        }

        server.SetHealth("NOT_SERVING");

        // The command goes through the server's stdin: the first run may come before it is read.
        var notServing = await RunAsync("probe", "--grpc", address, "--format", "json");
        for (var attempt = 0; attempt < 20 && notServing.ExitCode == ProbeExitCodes.Healthy; attempt++)
        {
            await Task.Delay(250, TestContext.Current.CancellationToken);
            notServing = await RunAsync("probe", "--grpc", address, "--format", "json");
        }

        Assert.True(notServing.ExitCode == ProbeExitCodes.Unhealthy, notServing.ToString());
        using var json = JsonDocument.Parse(notServing.Stdout);
        var failed = Assert.Single(json.RootElement.GetProperty("checks").EnumerateArray().ToList());
        Assert.Equal("Unhealthy", failed.GetProperty("status").GetString());
        Assert.Equal("NOT_SERVING", failed.GetProperty("data").GetProperty("status").GetString());
        Assert.Contains("reports NOT_SERVING", failed.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_listening_exits_2_with_the_reason()
    {
        int closed;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closed = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var run = await RunAsync("probe", "--grpc", $"http://127.0.0.1:{closed}", "--grpc-service", "corda.rpc", "--timeout", "3s");
        Assert.True(run.ExitCode == ProbeExitCodes.Unhealthy, run.ToString());
        Assert.Contains($"grpc:http://127.0.0.1:{closed}/corda.rpc", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("refused", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Https_trusts_the_ca_bundle_only_and_sends_the_client_certificate_for_mutual_TLS()
    {
        using var ca = TestCertificates.Ca("Probe gRPC test CA");
        using var clientCa = TestCertificates.Ca("Probe gRPC client CA");
        using var certificate = TestCertificates.Server(ca);
        using var client = TestCertificates.Client(clientCa);
        using var server = await GrpcHealthServer.StartTlsAsync(certificate, clientCa);
        var files = Directory.CreateTempSubdirectory("corda-ha-probe-");
        try
        {
            var bundle = TestCertificates.WritePem(files.FullName, "ca.pem", ca);
            var clientPem = TestCertificates.WritePem(files.FullName, "client.pem", client);
            var clientKey = TestCertificates.WriteKeyPem(files.FullName, "client.key", client);
            var address = server.TlsAddress.ToString().TrimEnd('/');

            var untrusted = await RunAsync("probe", "--grpc", address, "--client-cert", clientPem, "--client-key", clientKey);
            Assert.True(untrusted.ExitCode == ProbeExitCodes.Unhealthy, untrusted.ToString());
            Assert.Contains("TLS handshake", untrusted.Stdout, StringComparison.Ordinal);
            Assert.Contains("not trusted", untrusted.Stdout, StringComparison.Ordinal);

            var noClientCertificate = await RunAsync("probe", "--grpc", address, "--ca-bundle", bundle);
            Assert.True(noClientCertificate.ExitCode == ProbeExitCodes.Unhealthy, noClientCertificate.ToString());
            Assert.Contains("requires a client certificate", noClientCertificate.Stdout, StringComparison.Ordinal);

            var mutual = await RunAsync("probe", "--grpc", address, "--ca-bundle", bundle, "--client-cert", clientPem, "--client-key", clientKey);
            Assert.True(mutual.ExitCode == ProbeExitCodes.Healthy, mutual.ToString());
            Assert.Contains("reports SERVING", mutual.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            files.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("ftp://proxy:9000", "--grpc 'ftp://proxy:9000': expected an absolute http or https URL")]
    [InlineData("proxy:9000", "--grpc 'proxy:9000'")]
    [InlineData("http://user:s3cret@proxy:9000", "carry no user information")]
    public async Task A_bad_URL_exits_3_naming_the_option_and_never_the_password(string url, string expected)
    {
        var run = await RunAsync("probe", "--grpc", url);
        Assert.True(run.ExitCode == ProbeExitCodes.Usage, run.ToString());
        Assert.Contains(expected, run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_grpc_service_without_a_grpc_target_is_a_usage_error()
    {
        var run = await RunAsync("probe", "--tcp", "127.0.0.1:1", "--grpc-service", "corda.rpc");
        Assert.True(run.ExitCode == ProbeExitCodes.Usage, run.ToString());
        Assert.Contains("--grpc-service applies to --grpc checks", run.Stderr, StringComparison.Ordinal);
    }
}
