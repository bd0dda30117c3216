using System.Net;

namespace Corda.Samples.RestGateway.Tests;

/// <summary>A flow start cut by a SIGKILL of the proxy: reported, never silently retried, and run at most once per key.</summary>
public sealed class InFlightFlowTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_flow_start_needs_an_Idempotency_Key_and_a_start_cut_by_a_kill_runs_once_however_often_it_is_resent()
    {
        using var run = new SampleRun();
        var proxy = await run.StartProxyAsync("node-a");
        var gateway = await run.StartGatewayAsync([proxy], ["00:00:00", "00:00:01"]);
        await Http.UntilAsync(() => gateway.GetAsync("/node"), a => a.Status == HttpStatusCode.OK, "GET /node to be served", Generous);

        // No key, or a malformed one: refused by the gateway, nothing reaches the node.
        var noKey = await gateway.StartFlowAsync(null, "Pay", 0, "10");
        Assert.Equal(HttpStatusCode.BadRequest, noKey.Status);
        Assert.Equal("application/problem+json", noKey.ContentType);
        Assert.Equal("urn:corda-ha-sample:idempotency-key-required", noKey.Str("type"));
        Assert.Equal(HttpStatusCode.BadRequest, (await gateway.StartFlowAsync("not a key!", "Pay", 0, "10")).Status);
        Assert.False(File.Exists(run.LedgerPath) && File.ReadAllText(run.LedgerPath).Length > 0, "nothing may have run");

        // A flow the proxy holds for 30 s; the proxy is killed once the flow has started on the "node".
        var key = Guid.NewGuid().ToString();
        var inFlight = gateway.StartFlowAsync(key, "Pay", 30_000, "10");
        await Http.EventuallyAsync(() => run.Executions(key).Length > 0, "the flow to start on the node", Generous);
        proxy.Kill();

        // Not retried behind the caller's back (the gateway fails fast): 502, "may have reached the server".
        var cut = await inFlight;
        output.WriteLine($"in-flight start at the kill: {cut}");
        Assert.Equal(HttpStatusCode.BadGateway, cut.Status);
        Assert.Equal("application/problem+json", cut.ContentType);
        Assert.Equal("urn:corda-ha-sample:connection-lost", cut.Str("type"));
        Assert.True(cut.Bool("mayHaveReachedServer"));
        Assert.Equal(key, cut.Str("requestId"));
        Assert.Contains("same Idempotency-Key", cut.Str("detail"), StringComparison.Ordinal);
        Assert.Single(run.Executions(key));

        // The caller does what the problem says: after the restart, the same request with the same key.
        await proxy.StartAsync();
        var resent = await Http.UntilAsync(
            () => gateway.StartFlowAsync(key, "Pay", 0, "10"),
            a => a.Status == HttpStatusCode.OK,
            "the resent start to be served after the restart",
            Generous);
        Assert.True(resent.Bool("replayed"));
        var execution = Assert.Single(run.Executions(key));
        Assert.Equal(execution.Split('\t')[2], resent.Str("flowId"));
        Assert.Equal(HttpStatusCode.OK, (await gateway.StartFlowAsync(key, "Pay", 0, "10")).Status);
        Assert.Single(run.Executions(key));

        // A new key is a new flow.
        var other = Guid.NewGuid().ToString();
        var fresh = await gateway.StartFlowAsync(other, "Pay", 0, "20");
        Assert.Equal(HttpStatusCode.OK, fresh.Status);
        Assert.False(fresh.Bool("replayed"));
        Assert.Single(run.Executions(other));
    }
}
