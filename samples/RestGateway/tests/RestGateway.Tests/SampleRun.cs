using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Corda.Samples.RestGateway.Tests;

/// <summary>
/// One test's processes: stand-in proxies and a gateway on free loopback ports, in a <c>corda-ha-sample-*</c> temp
/// directory holding <c>owner.pid</c> (this test process) and the proxies' shared ledger. Every process gets the
/// directory's path in its arguments, so that eng/test.sh's cleanup (<c>pkill -f "$dir/"</c>) finds what a killed
/// test run left behind. Dispose kills them all.
/// </summary>
public sealed class SampleRun : IDisposable
{
    private readonly List<ChildProcess> _processes = [];

    public SampleRun(string? apiKey = null)
    {
        ApiKey = apiKey;
        GatewayApiKey = apiKey;
        Dir = Directory.CreateTempSubdirectory("corda-ha-sample-").FullName;
        File.WriteAllText(Path.Combine(Dir, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        LedgerPath = Path.Combine(Dir, "ledger.txt");
    }

    public string Dir { get; }

    public string LedgerPath { get; }

    /// <summary>The key the proxies require (none: any call is accepted).</summary>
    public string? ApiKey { get; }

    /// <summary>The key the gateway sends; the proxies' by default.</summary>
    public string? GatewayApiKey { get; init; }

    public static TimeSpan StartTimeout { get; } = TimeSpan.FromSeconds(60);

    /// <summary>The ledger's lines for a client request id: each is one real start of the flow.</summary>
    public string[] Executions(string clientRequestId) =>
        File.Exists(LedgerPath) ? [.. File.ReadAllLines(LedgerPath).Where(l => l.Split('\t') is { Length: 4 } f && f[1] == clientRequestId)] : [];

    /// <summary>A proxy on a free port, not started yet; with <paramref name="tls"/>, over TLS (<c>https://localhost:PORT</c>).</summary>
    public StandInProxy NewProxy(string name, ProxyTls? tls = null) => new(this, name, FreePort(), tls);

    public async Task<StandInProxy> StartProxyAsync(string name, ProxyTls? tls = null)
    {
        var proxy = NewProxy(name, tls);
        await proxy.StartAsync();
        return proxy;
    }

    public async Task<GatewayProcess> StartGatewayAsync(IReadOnlyList<StandInProxy> endpoints, IReadOnlyList<string> reconnectDelays, params string[] extraArgs)
    {
        var port = FreePort();
        var args = new List<string>
        {
            "--urls", $"http://127.0.0.1:{port}",
            "--Gateway:AllowTestHold=true",
            "--Gateway:ExitWhenStdinEnds=true",
            // Not read by the gateway: it puts this run's directory on the command line for eng/test.sh's cleanup.
            $"--SampleTestRun={Dir}/",
        };
        for (var i = 0; i < endpoints.Count; i++)
        {
            args.Add($"--NodeRpc:Endpoints:{i}:Name={endpoints[i].Name}");
            args.Add($"--NodeRpc:Endpoints:{i}:Address={endpoints[i].Address}");
        }

        for (var i = 0; i < reconnectDelays.Count; i++)
        {
            args.Add($"--NodeRpc:Reconnect:Delays:{i}={reconnectDelays[i]}");
        }

        args.AddRange(extraArgs);
        var process = Launch(ChildProcess.GatewayDll, args, GatewayApiKey is null ? null : new Dictionary<string, string> { ["NodeRpc__ApiKey"] = GatewayApiKey });
        var gateway = new GatewayProcess(process, new Uri($"http://127.0.0.1:{port}"));
        await gateway.WaitUntilLiveAsync(StartTimeout);
        return gateway;
    }

    public ChildProcess Launch(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var process = ChildProcess.Start(dll, args, environment);
        lock (_processes)
        {
            _processes.Add(process);
        }

        return process;
    }

    public void Dispose()
    {
        lock (_processes)
        {
            foreach (var p in _processes)
            {
                p.Dispose();
            }
        }

        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // Left for eng/test.sh's cleanup of dead owners.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The stand-in's TLS listener: its certificate, and the CA whose client certificates it requires (none: no client certificate asked).</summary>
public sealed record ProxyTls(IssuedCertificate Server, string? ClientCaFile);

/// <summary>A stand-in node proxy on a fixed port: killed with SIGKILL and restarted on the same port.</summary>
public sealed class StandInProxy(SampleRun run, string name, int port, ProxyTls? tls = null)
{
    private ChildProcess? _process;

    public string Name => name;

    // Over TLS by name: the server certificate is for localhost, as a proxy's is for its host name.
    public Uri Address => tls is null ? new($"http://127.0.0.1:{port}") : new($"https://localhost:{port}");

    /// <summary>The output of the proxy's current (last started) process.</summary>
    public string Output => _process?.Output ?? string.Empty;

    /// <summary>Sends a command line to the proxy (its stdin), e.g. <c>health not-serving</c>, and waits for its answer line.</summary>
    public async Task CommandAsync(string command, string answer)
    {
        _process!.WriteLine(command);
        await _process.WaitForLineAsync(answer, SampleRun.StartTimeout);
    }

    /// <summary>Starts the proxy and returns when it prints its ready line (it listens from then on).</summary>
    public async Task StartAsync()
    {
        var environment = run.ApiKey is null ? null : new Dictionary<string, string> { ["NODE_PROXY_API_KEY"] = run.ApiKey };
        List<string> args = ["--port", port.ToString(CultureInfo.InvariantCulture), "--ledger", run.LedgerPath, "--name", name];
        if (tls is not null)
        {
            args.AddRange(["--tls-cert", tls.Server.CertificateFile, "--tls-key", tls.Server.KeyFile]);
            if (tls.ClientCaFile is not null)
            {
                args.AddRange(["--client-ca", tls.ClientCaFile]);
            }
        }

        _process = run.Launch(ChildProcess.StandInDll, args, environment);
        await _process.WaitForLineAsync("ready", SampleRun.StartTimeout);
    }

    public void Kill() => _process?.Kill();
}

/// <summary>The gateway process and an HTTP client for it.</summary>
public sealed class GatewayProcess(ChildProcess process, Uri address)
{
    public HttpClient Http { get; } = new() { BaseAddress = address, Timeout = TimeSpan.FromSeconds(90) };

    public ChildProcess Process => process;

    public async Task WaitUntilLiveAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the gateway exited ({process.ExitCode}):\n{process.Output}");
            }

            try
            {
                using var live = await Http.GetAsync("/health/live");
                if (live.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the gateway was not live within {timeout}:\n{process.Output}");
            }

            await Task.Delay(50);
        }
    }
}
