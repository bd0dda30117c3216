using System.Diagnostics;
using System.Net;

namespace Corda.Samples.RestGateway.Tests;

/// <summary>
/// The connection watches the proxy's standard gRPC health service: a proxy that stays up but reports NOT_SERVING (its
/// node down, or draining) is left for the standby.
/// </summary>
public sealed class HealthTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_proxy_that_reports_NOT_SERVING_is_left_for_the_standby_which_serves()
    {
        using var run = new SampleRun();
        var a = await run.StartProxyAsync("node-a");
        var b = await run.StartProxyAsync("node-b");
        var gateway = await run.StartGatewayAsync([a, b], ["00:00:00", "00:00:00.500"]);
        var first = await Http.UntilAsync(() => gateway.GetAsync("/node"), x => x.Status == HttpStatusCode.OK, "GET /node to be served", Generous);
        Assert.Equal("node-a", first.Str("servedBy"));

        // The proxy process stays up and answers; only its health says its node cannot serve.
        await a.CommandAsync("health not-serving", "health NotServing");
        var moved = Stopwatch.StartNew();
        var served = await Http.UntilAsync(
            () => gateway.GetAsync("/node"),
            x => x.Status == HttpStatusCode.OK && x.Str("servedBy") == "node-b",
            "GET /node to be served by the standby",
            Generous);
        output.WriteLine($"node-a NOT_SERVING -> served by the standby: {moved.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal("node-b", (await gateway.GetAsync("/status")).Str("endpoint"));
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/health/ready")).Status);
        // The gateway's log says why it left node-a: the connection's state change carries the health status.
        Assert.Contains("NOT_SERVING", gateway.Process.Output, StringComparison.Ordinal);
    }
}
