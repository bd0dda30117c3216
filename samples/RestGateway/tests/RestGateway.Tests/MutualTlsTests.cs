using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Corda.Samples.RestGateway.Tests;

/// <summary>
/// The gateway and the stand-in proxy over mutual TLS, with certificates of a CA made for the test (<see cref="TestCa"/>):
/// served; the proxy SIGKILLed and restarted; a rotated client certificate picked up; a gateway the proxy refuses.
/// </summary>
public sealed class MutualTlsTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Over_mutual_TLS_the_gateway_serves_survives_a_proxy_SIGKILL_and_uses_a_rotated_client_certificate_on_the_next_connection()
    {
        using var run = new SampleRun();
        using var ca = new TestCa(run.Dir, "bank-rpc-ca");
        var server = ca.IssueServer("node-a-proxy");
        var client = ca.IssueClient("gateway-1", "gateway");
        var proxy = await run.StartProxyAsync("node-a", new ProxyTls(server, ca.CertificateFile));
        var gateway = await run.StartGatewayAsync([proxy], ["00:00:00", "00:00:02"], TlsArgs(ca.CertificateFile, client));

        var node = await Http.UntilAsync(() => gateway.GetAsync("/node"), a => a.Status == HttpStatusCode.OK, "GET /node to be served over mutual TLS", Generous);
        Assert.Equal("node-a", node.Str("servedBy"));
        var flow = await gateway.StartFlowAsync(Guid.NewGuid().ToString(), "Pay", 0, "10");
        Assert.Equal(HttpStatusCode.OK, flow.Status);
        Assert.Contains("client certificate accepted: CN=gateway-1", proxy.Output, StringComparison.Ordinal);

        // The certificate is rotated on disk (same files, a new certificate and key) while connected, then the proxy dies.
        var rotated = ca.IssueClient("gateway-2", "gateway");
        proxy.Kill();
        var down = await Http.UntilAsync(
            () => gateway.GetAsync("/node"),
            a => a.Status == HttpStatusCode.ServiceUnavailable && a.Number("nextDelaySeconds") == 2,
            "a 503 after the first failed reconnection attempt",
            Generous);
        Assert.Equal("Reconnecting", down.Str("connectionState"));
        Assert.InRange(long.Parse(down.RetryAfter!, CultureInfo.InvariantCulture), 1, 2);
        Assert.Null(down.Bool("tlsFailure"));

        await proxy.StartAsync();
        var back = Stopwatch.StartNew();
        var served = await Http.UntilAsync(() => gateway.GetAsync("/node"), a => a.Status == HttpStatusCode.OK, "GET /node to be served after the restart", Generous);
        output.WriteLine($"proxy ready -> served again over mutual TLS: {back.Elapsed.TotalMilliseconds:0} ms (reconnect delay 2 s)");
        Assert.Equal("node-a", served.Str("servedBy"));
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/health/ready")).Status);
        // The new connection presented the rotated certificate: no restart of the gateway.
        Assert.Contains("client certificate accepted: CN=gateway-2", proxy.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("CN=gateway-1", proxy.Output, StringComparison.Ordinal);
        Assert.Contains("Client certificate reloaded", gateway.Process.Output, StringComparison.Ordinal);

        // Paths are logged; keys never.
        Assert.Contains(client.KeyFile, gateway.Process.Output, StringComparison.Ordinal);
        AssertNoKey(gateway.Process.Output + down.Text + served.Text, client, rotated);
    }

    [Fact]
    public async Task A_proxy_requiring_client_certificates_refuses_a_gateway_without_one_or_with_another_CAs_and_the_gateway_says_it_is_TLS()
    {
        using var run = new SampleRun();
        using var ca = new TestCa(run.Dir, "bank-rpc-ca");
        using var otherCa = new TestCa(run.Dir, "other-ca");
        var proxy = await run.StartProxyAsync("node-a", new ProxyTls(ca.IssueServer("node-a-proxy"), ca.CertificateFile));
        var stranger = otherCa.IssueClient("gateway-stranger");
        var gateways = await Task.WhenAll(
            run.StartGatewayAsync([proxy], ["00:00:00", "00:00:01"], $"--NodeRpc:Tls:CaCertificateFile={ca.CertificateFile}"),
            run.StartGatewayAsync([proxy], ["00:00:00", "00:00:01"], TlsArgs(ca.CertificateFile, stranger)));

        // What the transport infers from the server closing the connection right after the handshake (TLS 1.3).
        string[] why = ["it probably requires a client certificate (mutual TLS), and none is configured", "it probably did not accept the client certificate (CN=gateway-stranger"];
        foreach (var (gateway, expected) in gateways.Zip(why))
        {
            // The connection never comes up: every request is a 503 naming the TLS failure.
            var refused = await Http.UntilAsync(
                () => gateway.GetAsync("/node"),
                a => a.Status == HttpStatusCode.ServiceUnavailable && a.Bool("tlsFailure") == true,
                "a 503 naming the TLS failure",
                Generous);
            output.WriteLine($"refused: {refused}");
            Assert.Equal("urn:corda-ha-sample:node-unavailable", refused.Str("type"));
            Assert.Contains("TLS handshake", refused.Str("detail"), StringComparison.Ordinal);
            Assert.Contains("TLS handshake with node-a", refused.Str("connectionReason"), StringComparison.Ordinal);
            Assert.Contains(expected, refused.Str("connectionReason"), StringComparison.Ordinal);
            var status = await gateway.GetAsync("/status");
            Assert.False(status.Bool("hasConnected"));
            var notReady = await gateway.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.Status);
            AssertNoKey(gateway.Process.Output + refused.Text, stranger);
        }

        Assert.Contains("client certificate refused: CN=gateway-stranger", proxy.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unusable_TLS_settings_stop_the_gateway_at_start_naming_each_setting_without_printing_a_key()
    {
        using var run = new SampleRun();
        using var ca = new TestCa(run.Dir, "bank-rpc-ca");
        var mine = ca.IssueClient("gateway-1");
        var someoneElses = ca.IssueClient("gateway-2");
        var gateway = run.Launch(ChildProcess.GatewayDll, [
            "--urls", "http://127.0.0.1:0",
            $"--SampleTestRun={run.Dir}/",
            "--Gateway:ExitWhenStdinEnds=true",
            "--NodeRpc:Endpoints:0:Name=node-a",
            "--NodeRpc:Endpoints:0:Address=http://127.0.0.1:1",
            $"--NodeRpc:Tls:CaCertificateFile={Path.Combine(run.Dir, "missing-ca.pem")}",
            $"--NodeRpc:Tls:ClientCertificateFile={mine.CertificateFile}",
            $"--NodeRpc:Tls:ClientKeyFile={someoneElses.KeyFile}",
        ]);
        await gateway.WaitForExitAsync(SampleRun.StartTimeout);

        Assert.NotEqual(0, gateway.ExitCode);
        Assert.Contains($"NodeRpc:Tls:CaCertificateFile ({Path.Combine(run.Dir, "missing-ca.pem")}) cannot be read", gateway.Output, StringComparison.Ordinal);
        Assert.Contains($"NodeRpc:Tls:ClientKeyFile ({someoneElses.KeyFile}) is not an unencrypted PEM private key of NodeRpc:Tls:ClientCertificateFile", gateway.Output, StringComparison.Ordinal);
        Assert.Contains("NodeRpc:Endpoints:0:Address must be https:// when NodeRpc:Tls is set", gateway.Output, StringComparison.Ordinal);
        AssertNoKey(gateway.Output, mine, someoneElses);
    }

    internal static string[] TlsArgs(string caFile, IssuedCertificate client) =>
    [
        $"--NodeRpc:Tls:CaCertificateFile={caFile}",
        $"--NodeRpc:Tls:ClientCertificateFile={client.CertificateFile}",
        $"--NodeRpc:Tls:ClientKeyFile={client.KeyFile}",
    ];

    private static void AssertNoKey(string text, params IssuedCertificate[] certificates)
    {
        Assert.DoesNotContain("PRIVATE KEY", text, StringComparison.Ordinal);
        foreach (var line in certificates.SelectMany(c => c.KeyLines))
        {
            Assert.DoesNotContain(line, text, StringComparison.Ordinal);
        }
    }
}
