using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using Corda.HighAvailability.Tool.Probe;

namespace Corda.HighAvailability.IntegrationTests.Probe;

/// <summary>
/// <c>corda-ha probe</c> run as the real tool binary against real parts: TCP listeners and a closed port on loopback, a
/// TLS server with certificates made here (one near expiry, one requiring a client certificate), and a real directory.
/// The JSON is read with System.Text.Json; usage errors must exit 3 naming the option, and secrets must never print.
/// </summary>
public sealed class ProbeCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task TCP_is_Healthy_against_a_listener_and_Unhealthy_against_a_closed_port_with_the_JSON_shape()
    {
        using var listener = Listen();
        var open = Port(listener);
        var closed = ClosedPort();

        var run = await CordaHaTool.RunAsync(Timeout, "probe", "--tcp", $"127.0.0.1:{open}", "--tcp", $"127.0.0.1:{closed}", "--format", "json");

        Assert.True(run.ExitCode == ProbeExitCodes.Unhealthy, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.Equal("Unhealthy", root.GetProperty("status").GetString());
        var checks = root.GetProperty("checks").EnumerateArray().ToList();
        Assert.Equal(2, checks.Count);
        foreach (var check in checks)
        {
            Assert.Equal(JsonValueKind.String, check.GetProperty("name").ValueKind);
            Assert.Equal(JsonValueKind.String, check.GetProperty("status").ValueKind);
            Assert.True(check.GetProperty("durationMs").GetDouble() >= 0);
            Assert.False(string.IsNullOrWhiteSpace(check.GetProperty("description").GetString()));
            Assert.Equal(JsonValueKind.Object, check.GetProperty("data").ValueKind);
        }

        Assert.Equal($"tcp:127.0.0.1:{open}", checks[0].GetProperty("name").GetString());
        Assert.Equal("Healthy", checks[0].GetProperty("status").GetString());
        Assert.Equal(open, checks[0].GetProperty("data").GetProperty("port").GetInt32());
        Assert.Equal($"tcp:127.0.0.1:{closed}", checks[1].GetProperty("name").GetString());
        Assert.Equal("Unhealthy", checks[1].GetProperty("status").GetString());
        Assert.Equal("ConnectionRefused", checks[1].GetProperty("data").GetProperty("error").GetString());
        Assert.Contains("refused", checks[1].GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_healthy_endpoint_exits_0_with_a_table()
    {
        using var listener = Listen();
        var name = $"tcp:127.0.0.1:{Port(listener)}";

        var run = await CordaHaTool.RunAsync(Timeout, "probe", "--tcp", name["tcp:".Length..]);

        Assert.True(run.ExitCode == ProbeExitCodes.Healthy, run.ToString());
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("Healthy", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^NAME\s+STATUS\s+DURATION\s+DESCRIPTION", lines[1]);
        Assert.Matches($@"^{name}\s+Healthy\s+[0-9.]+ m?s\s+TCP connection to 127\.0\.0\.1:\d+ made", lines[2]);
        Assert.Matches(@"^\s+host=127\.0\.0\.1 port=\d+ ", lines[3]);
        Assert.Empty(run.Stderr);
    }

    [Fact]
    public async Task A_TLS_certificate_near_expiry_is_Degraded_with_exit_code_1_and_Healthy_below_the_warning()
    {
        using var temp = new TempFolder();
        using var ca = TestCertificates.Ca("Probe command test CA");
        using var certificate = TestCertificates.Server(ca, notAfter: DateTimeOffset.UtcNow.AddDays(10));
        var bundle = TestCertificates.WritePem(temp.Path, "ca.pem", ca);
        await using var server = new TlsTestServer(certificate);
        var target = new[] { "probe", "--tls", $"127.0.0.1:{server.Port}", "--tls-server-name", "localhost", "--ca-bundle", bundle, "--format", "json" };

        var near = await CordaHaTool.RunAsync(Timeout, target);

        Assert.True(near.ExitCode == ProbeExitCodes.Degraded, near.ToString());
        var check = SingleCheck(near.Stdout, out var status);
        Assert.Equal("Degraded", status);
        Assert.Equal($"tls:127.0.0.1:{server.Port}", check.GetProperty("name").GetString());
        Assert.Equal("Degraded", check.GetProperty("status").GetString());
        Assert.InRange(check.GetProperty("data").GetProperty("certificateExpiresInDays").GetDouble(), 9, 10.1);
        Assert.Contains("ExpiryWarning", check.GetProperty("description").GetString(), StringComparison.Ordinal);

        // --expiry-warning reaches the check: a week's warning leaves a 10-day certificate Healthy.
        var week = await CordaHaTool.RunAsync(Timeout, [.. target, "--expiry-warning", "7d"]);
        Assert.True(week.ExitCode == ProbeExitCodes.Healthy, week.ToString());
    }

    [Fact]
    public async Task Mutual_TLS_sends_the_client_certificate_whose_password_comes_from_the_environment_and_never_prints()
    {
        const string Password = "pfx-s3cret-Zq81";
        using var temp = new TempFolder();
        using var ca = TestCertificates.Ca("Probe command mTLS CA");
        using var certificate = TestCertificates.Server(ca);
        using var client = TestCertificates.Client(ca);
        var bundle = TestCertificates.WritePem(temp.Path, "ca.pem", ca);
        var pfx = TestCertificates.WritePfx(temp.Path, "client.pfx", client, Password);
        await using var server = new TlsTestServer(certificate, clientCa: ca);
        var variable = $"CORDA_HA_TEST_PFX_{Environment.ProcessId}";
        var target = new[] { "probe", "--tls", $"127.0.0.1:{server.Port}", "--tls-server-name", "localhost", "--ca-bundle", bundle, "--client-cert", pfx };

        var run = await CordaHaTool.RunAsync(Timeout, new Dictionary<string, string> { [variable] = Password }, [.. target, "--client-cert-password-env", variable, "--format", "json"]);

        Assert.True(run.ExitCode == ProbeExitCodes.Healthy, run.ToString());
        var check = SingleCheck(run.Stdout, out _);
        Assert.True(check.GetProperty("data").GetProperty("clientCertificateSent").GetBoolean());
        Assert.True(await server.HandshakesReachAsync(1));

        // The server counts the client certificate just after the handshake: give it a moment on a loaded machine.
        for (var i = 0; i < 100 && server.ClientCertificates < 1; i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Equal(1, server.ClientCertificates);
        Assert.DoesNotContain(Password, run.Stdout + run.Stderr, StringComparison.Ordinal);

        // A wrong password: the check fails naming the file; the password is still nowhere in the output.
        const string Wrong = "wrong-pass-Kx27";
        var wrong = await CordaHaTool.RunAsync(Timeout, new Dictionary<string, string> { [variable] = Wrong }, [.. target, "--client-cert-password-env", variable]);
        Assert.True(wrong.ExitCode == ProbeExitCodes.Unhealthy, wrong.ToString());
        Assert.Contains("client.pfx", wrong.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Wrong, wrong.Stdout + wrong.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Storage_is_probed_in_a_real_directory_and_a_missing_one_is_Unhealthy()
    {
        using var temp = new TempFolder();
        var missing = Path.Combine(temp.Path, "no-such-journal");

        // Limits that a loaded build machine meets: the test is about the wiring, the probe's own tests about the limits.
        var run = await CordaHaTool.RunAsync(
            Timeout, "probe", "--storage", temp.Path, "--storage-min-free", "0", "--storage-latency-budget", "30s", "--format", "json");

        Assert.True(run.ExitCode == ProbeExitCodes.Healthy, run.ToString());
        var check = SingleCheck(run.Stdout, out _);
        Assert.Equal($"storage:{temp.Path}", check.GetProperty("name").GetString());
        Assert.Equal(temp.Path, check.GetProperty("data").GetProperty("directory").GetString());
        Assert.Equal(1024 * 1024, check.GetProperty("data").GetProperty("blockBytes").GetInt32());
        Assert.Equal(30_000, check.GetProperty("data").GetProperty("latencyBudgetMs").GetDouble());
        Assert.Empty(Directory.GetFiles(temp.Path, "*", SearchOption.AllDirectories));

        var gone = await CordaHaTool.RunAsync(Timeout, "probe", "--storage", missing, "--format", "json");
        Assert.True(gone.ExitCode == ProbeExitCodes.Unhealthy, gone.ToString());
        Assert.Equal("ENOENT", SingleCheck(gone.Stdout, out _).GetProperty("data").GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("Nothing to probe")]
    [InlineData("--tcp", "--tcp", "node1")]
    [InlineData("--tcp", "--tcp", "node1:0")]
    [InlineData("--tcp", "--tcp", "::1:10002")]
    [InlineData("--tls", "--tls", "node1:http")]
    [InlineData("--interval", "--tcp", "node1:10002", "--interval", "0")]
    [InlineData("--interval", "--tcp", "node1:10002", "--interval", "-1s")]
    [InlineData("--timeout", "--tcp", "node1:10002", "--timeout", "soon")]
    [InlineData("--repeat", "--tcp", "node1:10002", "--repeat", "0")]
    [InlineData("--repeat", "--tcp", "node1:10002", "--repeat", "many")]
    [InlineData("--format", "--tcp", "node1:10002", "--format", "xml")]
    [InlineData("--storage-min-free", "--storage", "/tmp", "--storage-min-free", "lots")]
    [InlineData("--expiry-warning", "--tls", "node1:10002", "--expiry-warning", "soon")]
    [InlineData("--client-cert", "--tcp", "node1:10002", "--client-cert", "client.pfx")]
    [InlineData("--client-key", "--tls", "node1:10002", "--client-key", "client.key")]
    [InlineData("--client-cert-password-env", "--tls", "node1:10002", "--client-cert", "c.pfx", "--client-cert-password-env", "CORDA_HA_TEST_SURELY_UNSET_VARIABLE")]
    [InlineData("--bogus", "--tcp", "node1:10002", "--bogus")]
    [InlineData("--amqp", "--amqp", "http://broker:5672")]
    [InlineData("--amqp", "--amqp", "broker:5672")]
    [InlineData("--amqp-round-trip", "--tcp", "node1:10002", "--amqp-round-trip", "probe")]
    [InlineData("--jolokia", "--jolokia", "amqp://broker:8161/console/jolokia")]
    [InlineData("--queue", "--jolokia", "http://broker:8161/console/jolokia", "--queue", "p2p.inbound.")]
    [InlineData("--queue", "--jolokia", "http://broker:8161/console/jolokia", "--queue", "p2p.inbound.=-1")]
    [InlineData("--queue", "--tcp", "node1:10002", "--queue", "p2p.inbound.=1000")]
    [InlineData("--expect-backup", "--amqp", "amqp://broker", "--expect-backup")]
    [InlineData("--user", "--tcp", "node1:10002", "--user", "admin")]
    [InlineData("--ca-bundle", "--tcp", "node1:10002", "--ca-bundle", "ca.pem")]
    [InlineData("--expect-replication", "--amqp", "amqp://broker", "--expect-replication")]
    [InlineData("JolokiaProbeOptions.Origin", "--jolokia", "http://broker:8161/console/jolokia", "--origin", "not an origin")]
    [InlineData("--password-env", "--amqp", "amqp://broker", "--password-env", "HOME")]
    public async Task A_usage_error_exits_3_with_one_line_naming_the_option(string named, params string[] arguments)
    {
        var run = await CordaHaTool.RunAsync(Timeout, ["probe", .. arguments]);

        Assert.True(run.ExitCode == ProbeExitCodes.Usage, run.ToString());
        var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("corda-ha: ", line, StringComparison.Ordinal);
        Assert.Contains(named, line, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public async Task A_password_in_a_URL_given_by_mistake_is_masked_in_the_usage_error()
    {
        var run = await CordaHaTool.RunAsync(Timeout, "probe", "--tcp", "amqp://artemis:hunter2-Qp3@broker:5672");

        Assert.True(run.ExitCode == ProbeExitCodes.Usage, run.ToString());
        Assert.Contains("amqp://artemis:***@broker:5672", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repeat_runs_the_rounds_asked_for_one_JSON_line_each_and_connects_once_per_round()
    {
        using var listener = Listen();
        var accepted = 0;
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(stop.Token);
                Interlocked.Increment(ref accepted);
            }
        }, TestContext.Current.CancellationToken);

        var run = await CordaHaTool.RunAsync(Timeout, "probe", "--tcp", $"127.0.0.1:{Port(listener)}", "--repeat", "3", "--interval", "100ms", "--format", "json");

        Assert.True(run.ExitCode == ProbeExitCodes.Healthy, run.ToString());
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            using var json = JsonDocument.Parse(lines[i]);
            Assert.Equal(i + 1, json.RootElement.GetProperty("round").GetInt32());
            Assert.Equal(3, json.RootElement.GetProperty("rounds").GetInt32());
            Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        }

        for (var i = 0; i < 100 && Volatile.Read(ref accepted) < 3; i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Equal(3, Volatile.Read(ref accepted));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => accepting);

        var text = await CordaHaTool.RunAsync(Timeout, "probe", "--tcp", $"127.0.0.1:{Port(listener)}", "--repeat", "2", "--interval", "100ms");
        Assert.True(text.ExitCode == ProbeExitCodes.Healthy, text.ToString());
        Assert.Contains("Round 1/2", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("Round 2/2", text.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, text.Stdout.Split('\n').Count(line => line.StartsWith("NAME", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_exit_code_is_the_worst_round_when_the_endpoint_goes_down_during_a_watch()
    {
        using var listener = Listen();
        var port = Port(listener);

        // The listener stops as soon as round 1 has connected; rounds 2 and 3 start 2 s apart, so they find the port closed.
        var stopped = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync(TestContext.Current.CancellationToken);
            listener.Stop();
        }, TestContext.Current.CancellationToken);

        var run = await CordaHaTool.RunAsync(Timeout, "probe", "--tcp", $"127.0.0.1:{port}", "--repeat", "3", "--interval", "2s", "--format", "json");
        await stopped;

        Assert.True(run.ExitCode == ProbeExitCodes.Unhealthy, run.ToString());
        var statuses = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("status").GetString())
            .ToList();
        Assert.Equal(["Healthy", "Unhealthy", "Unhealthy"], statuses);
    }

    [Fact]
    public async Task Ctrl_C_stops_a_watch_cleanly_with_exit_code_130()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "SIGINT is sent with kill(2); Linux only.");
        using var listener = Listen();
        using var process = Process.Start(CordaHaTool.StartInfo(["probe", "--tcp", $"127.0.0.1:{Port(listener)}", "--repeat", "1000", "--interval", "1s", "--format", "json"]))!;
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            // Interrupt only once the first round has printed: the command is then inside its loop.
            var first = await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Timeout, TestContext.Current.CancellationToken);
            Assert.NotNull(first);
            using (JsonDocument.Parse(first))
            {
            }

            Assert.Equal(0, kill(process.Id, Interrupt));
            await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        Assert.Equal(130, process.ExitCode);
        Assert.Contains("Cancelled.", await stderr, StringComparison.Ordinal);
    }

    private const int Interrupt = 2;

#pragma warning disable SYSLIB1054 // DllImport keeps the test project free of AllowUnsafeBlocks.
    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
#pragma warning restore SYSLIB1054

    private static JsonElement SingleCheck(string stdout, out string? status)
    {
        using var json = JsonDocument.Parse(stdout);
        status = json.RootElement.GetProperty("status").GetString();
        return Assert.Single(json.RootElement.GetProperty("checks").EnumerateArray().ToList()).Clone();
    }

    private static TcpListener Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    private static int Port(TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>A loopback port that was free a moment ago and nothing listens on now.</summary>
    private static int ClosedPort()
    {
        using var listener = Listen();
        var port = Port(listener);
        listener.Stop();
        return port;
    }

    /// <summary>A directory of its own under the temporary folder, deleted afterwards.</summary>
    private sealed class TempFolder : IDisposable
    {
        private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("corda-ha-probe-");

        public string Path => _directory.FullName;

        public void Dispose()
        {
            try
            {
                _directory.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the temporary folder is cleaned up by the system eventually.
            }
        }
    }
}
