using System.Net;

namespace Corda.Samples.RestGateway.Tests;

/// <summary>Bad configuration stops the gateway at start, naming the setting and never echoing a secret.</summary>
public sealed class ConfigurationTests
{
    [Fact]
    public async Task An_endpoint_address_with_credentials_fails_the_start_naming_the_setting_without_the_password()
    {
        using var run = new SampleRun();
        var gateway = run.Launch(ChildProcess.GatewayDll, [
            "--urls", "http://127.0.0.1:0",
            $"--SampleTestRun={run.Dir}/",
            "--Gateway:ExitWhenStdinEnds=true",
            "--NodeRpc:Endpoints:0:Name=node-a",
            "--NodeRpc:Endpoints:0:Address=http://operator:hunter2-do-not-log@127.0.0.1:1",
            "--NodeRpc:Endpoints:1:Name=bad name",
            "--NodeRpc:Endpoints:1:Address=ftp://127.0.0.1:2",
        ]);
        await gateway.WaitForExitAsync(SampleRun.StartTimeout);

        Assert.NotEqual(0, gateway.ExitCode);
        Assert.Contains("NodeRpc:Endpoints:0:Address must not carry credentials", gateway.Output, StringComparison.Ordinal);
        Assert.Contains("NodeRpc:Endpoints:1:Name must be", gateway.Output, StringComparison.Ordinal);
        Assert.Contains("NodeRpc:Endpoints:1:Address must be an absolute http:// or https:// address", gateway.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-do-not-log", gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_API_key_is_the_nodes_refusal_502_not_an_outage_and_neither_key_is_echoed()
    {
        using var run = new SampleRun("the-proxys-key-3b8e") { GatewayApiKey = "a-stale-key-91d0" };
        var proxy = await run.StartProxyAsync("node-a");
        var gateway = await run.StartGatewayAsync([proxy], ["00:00:00", "00:00:01"]);

        var refused = await Http.UntilAsync(() => gateway.GetAsync("/node"), a => a.Status != HttpStatusCode.ServiceUnavailable, "the first connection", TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.BadGateway, refused.Status);
        Assert.Equal("urn:corda-ha-sample:node-error", refused.Str("type"));
        Assert.Equal("Unauthenticated", refused.Str("grpcStatus"));
        // Connected all along: the node answered, the gateway is misconfigured; readiness reports the connection only.
        Assert.Equal("Connected", (await gateway.GetAsync("/status")).Str("state"));
        Assert.DoesNotContain("a-stale-key-91d0", gateway.Process.Output + refused.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("the-proxys-key-3b8e", gateway.Process.Output + refused.Text, StringComparison.Ordinal);
    }
}
