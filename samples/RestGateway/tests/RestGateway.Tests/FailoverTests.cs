using System.Diagnostics;
using System.Net;

namespace Corda.Samples.RestGateway.Tests;

/// <summary>Two proxies sharing the node's ledger (a node and its hot standby): the gateway moves to the second when the first dies.</summary>
public sealed class FailoverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task When_the_first_proxy_dies_the_gateway_serves_from_the_standby_and_a_resent_start_is_not_run_again()
    {
        using var run = new SampleRun();
        var a = await run.StartProxyAsync("node-a");
        var b = await run.StartProxyAsync("node-b");
        var gateway = await run.StartGatewayAsync([a, b], ["00:00:00", "00:00:00.500"]);
        var first = await Http.UntilAsync(() => gateway.GetAsync("/node"), x => x.Status == HttpStatusCode.OK, "GET /node to be served", Generous);
        Assert.Equal("node-a", first.Str("servedBy"));
        var key = Guid.NewGuid().ToString();
        var started = await gateway.StartFlowAsync(key, "Pay", 0, "10");
        Assert.Equal("node-a", started.Str("servedBy"));

        a.Kill();
        var moved = Stopwatch.StartNew();
        var served = await Http.UntilAsync(
            () => gateway.GetAsync("/node"),
            x => x.Status == HttpStatusCode.OK && x.Str("servedBy") == "node-b",
            "GET /node to be served by the standby",
            Generous);
        moved.Stop();
        output.WriteLine($"first proxy killed -> served by the standby: {moved.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/health/ready")).Status);

        // The caller resends a start it never got an answer for: the standby finds it in the shared ledger.
        var resent = await gateway.StartFlowAsync(key, "Pay", 0, "10");
        Assert.Equal(HttpStatusCode.OK, resent.Status);
        Assert.Equal("node-b", resent.Str("servedBy"));
        Assert.True(resent.Bool("replayed"));
        Assert.Equal(started.Str("flowId"), resent.Str("flowId"));
        Assert.Single(run.Executions(key));
        Assert.Equal(HttpStatusCode.OK, served.Status);
    }
}
