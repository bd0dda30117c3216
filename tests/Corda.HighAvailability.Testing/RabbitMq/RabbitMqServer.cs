using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Corda.HighAvailability.Testing;

/// <summary>
/// A real RabbitMQ node with its AMQP 1.0 and management plugins, private to the test run: started as the current user
/// (root included) from the Debian package's scripts in a fresh temporary directory (prefix <c>corda-ha-rabbitmq-</c>,
/// with <c>owner.pid</c>, so CI can clean up leftovers of a killed run) on random free loopback ports, with an epmd of
/// its own on its own port (epmd outlives the node, so it is started, and killed, by this fixture). The node can be
/// killed (<see cref="KillAsync"/>, SIGKILL: a crash) or stopped in order (<see cref="StopAsync"/>, SIGTERM), and
/// started again on the same ports and data (<see cref="StartAsync"/>). The guest user may connect (loopback only). Start takes about 5 s.
/// </summary>
public sealed class RabbitMqServer : IAsyncLifetime
{
    public const string DirectoryPrefix = "corda-ha-rabbitmq-";
    public const string ScriptsDirectory = "/usr/lib/rabbitmq/bin";

    /// <summary>How long a start may take on a loaded 2-core machine before the fixture gives up (it usually takes 5 s).</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly HttpClient _http = new();
    private Process? _epmd;
    private Process? _node;
    private bool _disposed;

    /// <summary>The node's temporary directory (config, data, logs).</summary>
    public string DirectoryPath { get; } = Path.Combine(Path.GetTempPath(), DirectoryPrefix + Guid.NewGuid().ToString("N")[..12]);

    public string NodeName { get; } = $"rabbit-{Guid.NewGuid().ToString("N")[..8]}@localhost";

    public int AmqpPort { get; private set; }

    public int ManagementPort { get; private set; }

    public int DistributionPort { get; private set; }

    public int EpmdPort { get; private set; }

    /// <summary>The AMQP-over-TLS port; its certificate is self-signed for <c>localhost</c> and 127.0.0.1 (trusted by nobody).</summary>
    public int AmqpsPort { get; private set; }

    /// <summary>The TLS listener's self-signed certificate (public part), in PEM.</summary>
    public string CertificatePem { get; private set; } = string.Empty;

    public bool IsRunning => _node is { HasExited: false };

    /// <summary><c>amqp://guest:guest@127.0.0.1:port</c>.</summary>
    public string AmqpUri => string.Create(CultureInfo.InvariantCulture, $"amqp://guest:guest@127.0.0.1:{AmqpPort}");

    /// <summary>Whether the RabbitMQ server scripts are installed (the Debian package <c>rabbitmq-server</c>).</summary>
    public static bool IsInstalled => File.Exists(Path.Combine(ScriptsDirectory, "rabbitmq-server")) && FindEpmd() is not null;

    /// <summary>Why the server cannot run here, for Assert.Skip; null when it can.</summary>
    public static string? MissingReason => IsInstalled
        ? null
        : $"RabbitMQ is not installed ({ScriptsDirectory}/rabbitmq-server or epmd missing): install the Debian package 'rabbitmq-server' (eng/test.sh does).";

    public async ValueTask InitializeAsync()
    {
        if (!IsInstalled)
        {
            // Tests skip, saying why (see MissingReason).
            return;
        }

        Directory.CreateDirectory(DirectoryPath);

        // Who owns this node: eng/test.sh removes only servers whose owner is gone, never another live run's.
        await File.WriteAllTextAsync(Path.Combine(DirectoryPath, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(Path.Combine(DirectoryPath, "mnesia"));
        Directory.CreateDirectory(Path.Combine(DirectoryPath, "log"));
        await File.WriteAllTextAsync(Path.Combine(DirectoryPath, "rabbitmq-env.conf"), string.Empty);
        await File.WriteAllTextAsync(Path.Combine(DirectoryPath, "enabled_plugins"), "[rabbitmq_amqp1_0,rabbitmq_management].\n");
        var ports = FreeLoopbackPorts(5);
        (AmqpPort, ManagementPort, DistributionPort, EpmdPort, AmqpsPort) = (ports[0], ports[1], ports[2], ports[3], ports[4]);
        await WriteSelfSignedCertificateAsync();
        var config = string.Create(CultureInfo.InvariantCulture, $"""
            listeners.tcp.default = 127.0.0.1:{AmqpPort}
            listeners.ssl.default = 127.0.0.1:{AmqpsPort}
            ssl_options.certfile = {Path.Combine(DirectoryPath, "server.crt")}
            ssl_options.keyfile = {Path.Combine(DirectoryPath, "server.key")}
            ssl_options.verify = verify_none
            ssl_options.fail_if_no_peer_cert = false
            management.tcp.ip = 127.0.0.1
            management.tcp.port = {ManagementPort}
            vm_memory_high_watermark.absolute = 256MiB
            disk_free_limit.absolute = 50MB
            collect_statistics_interval = 1000

            """);
        await File.WriteAllTextAsync(Path.Combine(DirectoryPath, "rabbitmq.conf"), config);
        _http.BaseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{ManagementPort}/api/"));
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest")));
        _http.Timeout = TimeSpan.FromSeconds(10);
        try
        {
            _epmd = StartLogged(FindEpmd()!, ["-port", EpmdPort.ToString(CultureInfo.InvariantCulture)], "epmd.log", environment: null);
            await StartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the node (again, after <see cref="KillAsync"/>) and waits until AMQP and the management API answer.</summary>
    public async Task StartAsync()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsRunning)
        {
            return;
        }

        var environment = new Dictionary<string, string>
        {
            ["HOME"] = DirectoryPath,
            ["RABBITMQ_NODENAME"] = NodeName,
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_DIST_PORT"] = DistributionPort.ToString(CultureInfo.InvariantCulture),
            ["ERL_EPMD_PORT"] = EpmdPort.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(DirectoryPath, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(DirectoryPath, "log"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(DirectoryPath, "rabbitmq"),
            ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(DirectoryPath, "rabbitmq-env.conf"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(DirectoryPath, "enabled_plugins"),

            // The distribution port on loopback only, like the others.
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
        };
        _node = StartLogged(Path.Combine(ScriptsDirectory, "rabbitmq-server"), [], "server.out", environment);
        var deadline = Stopwatch.StartNew();
        string? lastProblem = null;
        while (deadline.Elapsed < StartTimeout)
        {
            if (_node.HasExited)
            {
                throw new InvalidOperationException($"RabbitMQ node {NodeName} exited with {_node.ExitCode} while starting.\n{LogTail()}");
            }

            lastProblem = await ReadinessProblemAsync();
            if (lastProblem is null)
            {
                return;
            }

            await Task.Delay(200);
        }

        var tail = LogTail();
        await KillAsync();
        throw new TimeoutException($"RabbitMQ node {NodeName} did not become ready within {StartTimeout} ({lastProblem}).\n{tail}");
    }

    /// <summary>SIGKILLs the node (a crash: its sockets close without an AMQP close) and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        var node = _node;
        _node = null;
        if (node is null)
        {
            return;
        }

        await KillAsync(node);
    }

    /// <summary>
    /// Stops the node in order (SIGTERM to the server script, which stops RabbitMQ: clients get an AMQP close with
    /// <c>amqp:connection:forced</c>) and waits until it has exited; it takes about 7 s.
    /// </summary>
    public async Task StopAsync()
    {
        var node = _node;
        _node = null;
        if (node is null)
        {
            return;
        }

        if (!node.HasExited)
        {
            _ = kill(node.Id, 15);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await node.WaitForExitAsync(timeout.Token);
            node.Dispose();
        }
        catch (OperationCanceledException)
        {
            await KillAsync(node);
        }
    }

    /// <summary>
    /// Freezes the node (SIGSTOP to every process of its tree): it keeps its sockets open but answers nothing, as a hung
    /// broker does. <see cref="Resume"/> undoes it.
    /// </summary>
    public void Pause()
    {
        var stopped = SignalTree(19);

        // A signal is delivered asynchronously: wait until every process (each thread of beam.smp) is actually stopped.
        var deadline = Stopwatch.StartNew();
        while (!stopped.All(IsStopped) && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            Thread.Sleep(10);
        }
    }

    /// <summary>Lets a paused node run again (SIGCONT).</summary>
    public void Resume() => SignalTree(18);

    private static bool IsStopped(int pid)
    {
        try
        {
            // Every thread's state ("... ) T ..."): T = stopped.
            return Directory.EnumerateDirectories($"/proc/{pid}/task").All(task =>
            {
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('T');
            });
        }
        catch (IOException)
        {
            // Gone: nothing left to stop.
            return true;
        }
    }

    /// <summary>The broker's client connections, as its management API lists them (it can lag by a second or so).</summary>
    public async Task<IReadOnlyList<JsonElement>> GetConnectionsAsync()
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync("connections"));
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    /// <summary>
    /// Polls the management API until it lists <paramref name="expected"/> client connections or <paramref name="timeout"/>
    /// passes (the API's view of connections lags their opening and closing); returns the last count seen.
    /// </summary>
    public async Task<int> WaitForConnectionCountAsync(int expected, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var count = (await GetConnectionsAsync()).Count;
            if (count == expected || deadline.Elapsed > (timeout ?? TimeSpan.FromSeconds(15)))
            {
                return count;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Client connections to the AMQP port right now, from the kernel's socket table (no lag).</summary>
    public int CountEstablishedAmqpSockets()
    {
        // /proc/net/tcp: "sl local_address rem_address st ..." with hex ports; 01 = ESTABLISHED. The broker's side of each
        // client connection has the AMQP port as its local port.
        var port = AmqpPort.ToString("X4", CultureInfo.InvariantCulture);
        return File.ReadLines("/proc/net/tcp").Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(f => f.Length > 3 && f[1].EndsWith(":" + port, StringComparison.Ordinal) && f[3] == "01");
    }

    /// <summary>Declares a classic queue through the management API (idempotent).</summary>
    public async Task DeclareQueueAsync(string name)
    {
        using var body = new StringContent("""{"durable":false,"auto_delete":false}""", Encoding.UTF8, "application/json");
        using var response = await _http.PutAsync("queues/%2F/" + Uri.EscapeDataString(name), body);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Adds a user with full rights on the default virtual host.</summary>
    public async Task AddUserAsync(string user, string password)
    {
        using (var body = new StringContent(JsonSerializer.Serialize(new { password, tags = string.Empty }), Encoding.UTF8, "application/json"))
        using (var response = await _http.PutAsync("users/" + Uri.EscapeDataString(user), body))
        {
            response.EnsureSuccessStatusCode();
        }

        using (var body = new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json"))
        using (var response = await _http.PutAsync("permissions/%2F/" + Uri.EscapeDataString(user), body))
        {
            response.EnsureSuccessStatusCode();
        }
    }

    /// <summary>The last lines of the node's log and console output, for error messages.</summary>
    public string LogTail(int lines = 40)
    {
        var text = new StringBuilder();
        foreach (var file in new[] { Path.Combine(DirectoryPath, "server.out"), Path.Combine(DirectoryPath, "log", NodeName + ".log") })
        {
            try
            {
                text.Append("--- ").Append(file).AppendLine(" (last lines) ---");
                foreach (var line in File.ReadLines(file).TakeLast(lines))
                {
                    text.AppendLine(line);
                }
            }
            catch (IOException e)
            {
                text.AppendLine(e.Message);
            }
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            await KillAsync();
            if (_epmd is { } epmd)
            {
                _epmd = null;
                await KillAsync(epmd);
            }
        }
        finally
        {
            _http.Dispose();
            try
            {
                if (Directory.Exists(DirectoryPath))
                {
                    Directory.Delete(DirectoryPath, recursive: true);
                }
            }
            catch (IOException)
            {
                // Left for the CI clean-up of corda-ha-rabbitmq-* directories.
            }
            catch (UnauthorizedAccessException)
            {
                // Same.
            }
        }
    }

    private static async Task KillAsync(Process process)
    {
        try
        {
            // The script, beam.smp and its helpers (erl_child_setup, inet_gethost): each by pid, from the process tree.
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        process.Dispose();
    }

    private async Task WriteSelfSignedCertificateAsync()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=localhost", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        var names = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        CertificatePem = certificate.ExportCertificatePem();
        await File.WriteAllTextAsync(Path.Combine(DirectoryPath, "server.crt"), CertificatePem);
        await File.WriteAllTextAsync(Path.Combine(DirectoryPath, "server.key"), key.ExportPkcs8PrivateKeyPem());
    }

    private async Task<string?> ReadinessProblemAsync()
    {
        try
        {
            using (var client = new TcpClient())
            {
                await client.ConnectAsync(IPAddress.Loopback, AmqpPort);
            }

            using var response = await _http.GetAsync("overview");
            return response.IsSuccessStatusCode ? null : $"management API answered {(int)response.StatusCode}";
        }
        catch (SocketException e)
        {
            return $"AMQP port {AmqpPort}: {e.SocketErrorCode}";
        }
        catch (HttpRequestException e)
        {
            return $"management API: {e.Message}";
        }
        catch (TaskCanceledException)
        {
            return "management API timed out";
        }
    }

    private Process StartLogged(string program, string[] arguments, string logFile, Dictionary<string, string>? environment)
    {
        // Through sh so that the output goes to a file (a pipe nobody reads would block the server) and stdin is empty;
        // exec keeps the pid, so killing the tree from it kills everything started here.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = DirectoryPath };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" </dev/null >>\"$CORDA_HA_LOG\" 2>&1");
        start.ArgumentList.Add(program);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["CORDA_HA_LOG"] = Path.Combine(DirectoryPath, logFile);
        foreach (var (key, value) in environment ?? [])
        {
            start.Environment[key] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
    }

    private List<int> SignalTree(int signal)
    {
        var signalled = new List<int>();
        var node = _node ?? throw new InvalidOperationException("The node is not running.");
        var pending = new Stack<int>([node.Id]);
        while (pending.Count > 0)
        {
            var pid = pending.Pop();
            _ = kill(pid, signal);
            signalled.Add(pid);
            var children = $"/proc/{pid}/task/{pid}/children";
            if (File.Exists(children))
            {
                foreach (var child in File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    pending.Push(int.Parse(child, CultureInfo.InvariantCulture));
                }
            }
        }

        return signalled;
    }

#pragma warning disable SYSLIB1054 // DllImport keeps the library free of AllowUnsafeBlocks; .NET itself only sends SIGKILL.
    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
#pragma warning restore SYSLIB1054

    private static string? FindEpmd() =>
        new[] { "/usr/bin/epmd", "/usr/lib/erlang/bin/epmd" }.FirstOrDefault(File.Exists);

    private static int[] FreeLoopbackPorts(int count)
    {
        // All listeners open at once, so that the ports differ.
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}
