using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Corda.HighAvailability.Tool.Probe;

namespace Corda.HighAvailability.IntegrationTests.Probe;

/// <summary>
/// <c>corda-ha probe --amqp/--jolokia</c> as the real tool binary: against a real RabbitMQ (AMQP 1.0 plugin) the AMQP
/// check keeps one connection across <c>--repeat</c> rounds; against closed ports the checks fail, and in every case
/// the passwords, from URLs or from the environment, appear nowhere in the output.
/// </summary>
public sealed class ProbeBrokerTests
{
    /// <summary>The checks' --timeout against the broker: the tests run next to others on a loaded 2-core machine.</summary>
    private const string Generous = "20s";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task AMQP_against_a_real_broker_reuses_one_connection_across_rounds_and_never_prints_the_password()
    {
        Assert.SkipWhen(RabbitMqServer.MissingReason is not null, RabbitMqServer.MissingReason ?? string.Empty);
        await using var broker = new RabbitMqServer();
        await broker.InitializeAsync();
        var password = "amqp-Pw-" + Guid.NewGuid().ToString("N")[..10];
        await broker.AddUserAsync("probe-cli", password);
        await broker.DeclareQueueAsync("corda-ha-probe-cli");
        var name = string.Create(CultureInfo.InvariantCulture, $"amqp:127.0.0.1:{broker.AmqpPort}");

        var run = await CordaHaTool.RunAsync(
            Timeout,
            "probe",
            "--amqp", string.Create(CultureInfo.InvariantCulture, $"amqp://probe-cli:{password}@127.0.0.1:{broker.AmqpPort}"),
            "--amqp-round-trip", "/queue/corda-ha-probe-cli",
            "--repeat", "3",
            "--interval", "200ms",
            "--timeout", Generous,
            "--format", "json");

        Assert.True(run.ExitCode == ProbeExitCodes.Healthy, run.ToString());
        Assert.DoesNotContain(password, run.Stdout + run.Stderr, StringComparison.Ordinal);
        var rounds = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line)).ToList();
        try
        {
            Assert.Equal(3, rounds.Count);
            var last = Assert.Single(rounds[2].RootElement.GetProperty("checks").EnumerateArray());
            Assert.Equal(name, last.GetProperty("name").GetString());
            Assert.Equal("Healthy", last.GetProperty("status").GetString());
            var data = last.GetProperty("data");
            Assert.Equal(1, data.GetProperty("connectionsOpened").GetInt64());
            Assert.True(data.GetProperty("connectionReused").GetBoolean());
            Assert.True(data.GetProperty("roundTripMs").GetDouble() >= 0);
        }
        finally
        {
            rounds.ForEach(document => document.Dispose());
        }

        // The user in the URL, the password from the environment: the same check, nothing secret on the command line.
        var variable = $"CORDA_HA_TEST_AMQP_{Environment.ProcessId}";
        var fromEnvironment = await CordaHaTool.RunAsync(
            Timeout,
            new Dictionary<string, string> { [variable] = password },
            "probe", "--amqp", string.Create(CultureInfo.InvariantCulture, $"amqp://probe-cli@127.0.0.1:{broker.AmqpPort}"), "--password-env", variable, "--timeout", Generous);
        Assert.True(fromEnvironment.ExitCode == ProbeExitCodes.Healthy, fromEnvironment.ToString());
        Assert.Contains(name, fromEnvironment.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(password, fromEnvironment.Stdout + fromEnvironment.Stderr, StringComparison.Ordinal);

        // A wrong password is refused by the broker: Unhealthy, and neither password is printed.
        var wrong = await CordaHaTool.RunAsync(
            Timeout,
            new Dictionary<string, string> { [variable] = "not-" + password },
            "probe", "--amqp", string.Create(CultureInfo.InvariantCulture, $"amqp://probe-cli@127.0.0.1:{broker.AmqpPort}"), "--password-env", variable, "--timeout", Generous);
        Assert.True(wrong.ExitCode == ProbeExitCodes.Unhealthy, wrong.ToString());
        Assert.DoesNotContain(password, wrong.Stdout + wrong.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMQP_and_Jolokia_passwords_never_print_when_the_brokers_are_down()
    {
        const string UrlPassword = "url-Pw-Hq2";
        const string EnvironmentPassword = "env-Pw-Mv7";
        var amqp = ClosedPort();
        var jolokia = ClosedPort();
        var variable = $"CORDA_HA_TEST_JOLOKIA_{Environment.ProcessId}";
        var environment = new Dictionary<string, string> { [variable] = EnvironmentPassword };
        string[] arguments =
        [
            "probe",
            "--amqp", string.Create(CultureInfo.InvariantCulture, $"amqp://artemis:{UrlPassword}@127.0.0.1:{amqp}"),
            "--jolokia", string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{jolokia}/console/jolokia"),
            "--user", "admin",
            "--password-env", variable,
            "--queue", "p2p.inbound.=1000",
            "--timeout", "2s",
        ];

        foreach (var format in new[] { "text", "json" })
        {
            var run = await CordaHaTool.RunAsync(Timeout, environment, [.. arguments, "--format", format]);

            Assert.True(run.ExitCode == ProbeExitCodes.Unhealthy, run.ToString());
            Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"amqp:127.0.0.1:{amqp}"), run.Stdout, StringComparison.Ordinal);
            Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"jolokia:127.0.0.1:{jolokia}"), run.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(UrlPassword, run.Stdout + run.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(EnvironmentPassword, run.Stdout + run.Stderr, StringComparison.Ordinal);
        }
    }

    /// <summary>A loopback port that was free a moment ago and nothing listens on now.</summary>
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
