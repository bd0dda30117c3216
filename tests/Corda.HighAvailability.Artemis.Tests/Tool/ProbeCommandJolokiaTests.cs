using System.Globalization;
using System.Text.Json;
using Corda.HighAvailability.Artemis.Tests.Jolokia;
using Corda.HighAvailability.Testing;

namespace Corda.HighAvailability.Artemis.Tests.Tool;

/// <summary>
/// <c>corda-ha probe --jolokia</c> as the real tool binary against the real Jolokia agent of <see cref="JolokiaFixture"/>:
/// the options reach the check (user and password from the environment, broker name, queue thresholds, expected
/// backup), the exit code follows the health, and the password never prints.
/// </summary>
public sealed class ProbeCommandJolokiaTests(JolokiaFixture fixture) : IClassFixture<JolokiaFixture>, IAsyncLifetime
{
    private const string Inbox = "p2p.inbound.DLProbeCommandTestInboxQueue";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly string _variable = $"CORDA_HA_TEST_JOLOKIA_CLI_{Environment.ProcessId}";

    public async ValueTask InitializeAsync()
    {
        if (fixture.MissingReason is null)
        {
            await fixture.ResetAsync();
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task Jolokia_through_the_tool_follows_the_broker_and_never_prints_the_password()
    {
        fixture.SkipIfMissing();
        var name = string.Create(CultureInfo.InvariantCulture, $"jolokia:localhost:{fixture.Port}");

        var healthy = await RunAsync(JolokiaFixture.Password);
        Assert.True(healthy.ExitCode == 0, healthy.ToString());
        var check = SingleCheck(healthy);
        Assert.Equal(name, check.GetProperty("name").GetString());
        Assert.Equal(JolokiaFixture.Broker, check.GetProperty("data").GetProperty("broker").GetString());

        // Messages building up in the node's inbox: Degraded, exit code 1, the queue named.
        await fixture.CommandAsync($"queue {Inbox} 5000");
        var degraded = await RunAsync(JolokiaFixture.Password);
        Assert.True(degraded.ExitCode == 1, degraded.ToString());
        Assert.Contains(Inbox, SingleCheck(degraded).GetProperty("description").GetString(), StringComparison.Ordinal);
        await fixture.ResetAsync();

        // A backup answering: Unhealthy for a primary's probe, Healthy with --expect-backup.
        await fixture.CommandAsync("set Backup true");
        await fixture.CommandAsync("set Active false");
        var backup = await RunAsync(JolokiaFixture.Password);
        Assert.True(backup.ExitCode == 2, backup.ToString());
        var expected = await RunAsync(JolokiaFixture.Password, "--expect-backup");
        Assert.True(expected.ExitCode == 0, expected.ToString());
        await fixture.ResetAsync();

        // A wrong password: refused, Unhealthy, and neither password printed.
        const string Wrong = "not-the-Jolokia-pw-7Yx";
        var refused = await RunAsync(Wrong);
        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.DoesNotContain(Wrong, refused.Stdout + refused.Stderr, StringComparison.Ordinal);

        foreach (var run in new[] { healthy, degraded, backup, expected })
        {
            Assert.DoesNotContain(JolokiaFixture.Password, run.Stdout + run.Stderr, StringComparison.Ordinal);
        }
    }

    private Task<ToolRun> RunAsync(string password, params string[] extra) => CordaHaTool.RunAsync(
        Timeout,
        new Dictionary<string, string> { [_variable] = password },
        [
            "probe",
            "--jolokia", fixture.Console.ToString(),
            "--user", JolokiaFixture.User,
            "--password-env", _variable,
            "--broker-name", JolokiaFixture.Broker,
            "--queue", "p2p.inbound.=1000",
            "--timeout", "20s",
            "--format", "json",
            .. extra,
        ]);

    private static JsonElement SingleCheck(ToolRun run)
    {
        using var json = JsonDocument.Parse(run.Stdout);
        return Assert.Single(json.RootElement.GetProperty("checks").EnumerateArray().ToList()).Clone();
    }
}
