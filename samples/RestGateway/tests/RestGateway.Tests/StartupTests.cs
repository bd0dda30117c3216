using System.Net;

namespace Corda.Samples.RestGateway.Tests;

/// <summary>The gateway started before the node's proxy (a deployment order, a restart of both).</summary>
public sealed class StartupTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Started_before_the_proxy_the_gateway_answers_503_and_is_not_ready_until_the_first_connection()
    {
        using var run = new SampleRun();
        var proxy = run.NewProxy("node-a");
        var gateway = await run.StartGatewayAsync([proxy], ["00:00:00", "00:00:01"]);

        var early = await gateway.GetAsync("/node");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, early.Status);
        Assert.Equal("Connecting", early.Str("connectionState"));
        Assert.NotNull(early.RetryAfter);
        var notReady = await gateway.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.Status);
        Assert.Equal("Unhealthy", notReady.Str("status"));
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/health/live")).Status);

        await proxy.StartAsync();
        var served = await Http.UntilAsync(() => gateway.GetAsync("/node"), a => a.Status == HttpStatusCode.OK, "GET /node once the proxy is up", Generous);
        Assert.Equal("node-a", served.Str("servedBy"));
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/health/ready")).Status);
    }
}
