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
}
