using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Corda.Samples.RestGateway.Tests;

/// <summary>The node's proxy killed with SIGKILL and restarted under a running gateway.</summary>
public sealed class OutageTests(ITestOutputHelper output)
{
    private const string ApiKey = "sample-api-key-7f3a9c1e";
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task While_the_proxy_is_down_requests_get_503_with_the_policys_Retry_After_and_readiness_follows_the_connection()
    {
        using var run = new SampleRun(ApiKey);
        var proxy = await run.StartProxyAsync("node-a");
        // After a loss: one attempt at once, then one every 2 s.
        var gateway = await run.StartGatewayAsync([proxy], ["00:00:00", "00:00:02"]);

        // Served while up; the API key reached the proxy (it refuses calls without it).
        var node = await Http.UntilAsync(() => gateway.GetAsync("/node"), a => a.Status == HttpStatusCode.OK, "GET /node to be served", Generous);
        Assert.Equal("node-a", node.Str("servedBy"));
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/health/ready")).Status);

        proxy.Kill();

        // A request during the outage is not sent: 503 at once. The first failed attempt is followed by the policy's
        // 2 s delay; Retry-After is what is left of it, in whole seconds rounded up.
        var down = await Http.UntilAsync(
            () => gateway.GetAsync("/node"),
            a => a.Status == HttpStatusCode.ServiceUnavailable && a.Number("nextDelaySeconds") == 2,
            "a 503 after the first failed reconnection attempt",
            Generous);
        Assert.Equal("application/problem+json", down.ContentType);
        Assert.Equal("urn:corda-ha-sample:node-unavailable", down.Str("type"));
        Assert.Equal("Reconnecting", down.Str("connectionState"));
        Assert.Equal("node-a", down.Str("endpoint"));
        Assert.False(down.Bool("requestSent"));
        var retryAfter = long.Parse(down.RetryAfter!, CultureInfo.InvariantCulture);
        var exact = down.Number("retryAfterSeconds")!.Value;
        Assert.InRange(exact, 0, 2);
        Assert.Equal(Math.Max(1, (long)Math.Ceiling(exact)), retryAfter);
        Assert.InRange(retryAfter, 1, 2);
        output.WriteLine($"503 during the outage: {down}");

        // Readiness follows the connection (503 while reconnecting); liveness does not.
        var notReady = await gateway.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.Status);
        Assert.Equal("Degraded", notReady.Str("status"));
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/health/live")).Status);
        Assert.Equal("Reconnecting", (await gateway.GetAsync("/status")).Str("state"));

        // Restarted on the same port: served again at the connection's next attempt.
        await proxy.StartAsync();
        var back = Stopwatch.StartNew();
        var served = await Http.UntilAsync(() => gateway.GetAsync("/node"), a => a.Status == HttpStatusCode.OK, "GET /node to be served after the restart", Generous);
        back.Stop();
        Assert.Equal("node-a", served.Str("servedBy"));
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/health/ready")).Status);
        Assert.Equal("Connected", (await gateway.GetAsync("/status")).Str("state"));
        // The policy's 2 s delay bounds it; 15 s leaves room for a loaded machine.
        Assert.True(back.Elapsed < TimeSpan.FromSeconds(15), $"served again {back.Elapsed.TotalMilliseconds:0} ms after the proxy was ready");
        output.WriteLine($"proxy ready -> GET /node served again: {back.Elapsed.TotalMilliseconds:0} ms (reconnect delay 2 s)");

        // The API key went to the proxy on every connection, and never into the gateway's output or answers.
        Assert.DoesNotContain(ApiKey, gateway.Process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKey, down.Text, StringComparison.Ordinal);
        Assert.Contains("API key set", gateway.Process.Output, StringComparison.Ordinal);
    }
}
