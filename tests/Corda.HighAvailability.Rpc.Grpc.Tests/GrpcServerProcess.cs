using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Corda.HighAvailability.Rpc.Grpc.Tests;

/// <summary>
/// A real gRPC server process (the TestServer, run as <c>dotnet Corda.HighAvailability.Rpc.Grpc.TestServer.dll</c>)
/// on a fixed loopback port, killed with SIGKILL and restarted on the same port. Its ledger file, in a
/// <c>corda-ha-grpc-*</c> temp dir with <c>owner.pid</c>, lists every executed request id. The server exits when its
/// stdin (held by this test process) ends, so it never outlives a killed test run.
/// </summary>
public sealed class GrpcServerProcess : IDisposable
{
    private static readonly string DllPath = Path.Combine(AppContext.BaseDirectory, "Corda.HighAvailability.Rpc.Grpc.TestServer.dll");
    private readonly string _dir;
    private readonly bool _health;
    private Process? _process;

    /// <param name="name">The server's name, in its answers and ledger lines.</param>
    /// <param name="health">Whether the server offers the standard health service (<c>--no-health</c> otherwise).</param>
    public GrpcServerProcess(string name, bool health = true)
    {
        Name = name;
        _health = health;
        Port = FreePort();
        _dir = Directory.CreateTempSubdirectory("corda-ha-grpc-").FullName;
        File.WriteAllText(Path.Combine(_dir, "owner.pid"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        LedgerPath = Path.Combine(_dir, "ledger.txt");
    }

    public string Name { get; }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    /// <summary>The https address, by the name the test certificates are issued for.</summary>
    public Uri TlsAddress => new($"https://localhost:{Port}");

    /// <summary>This server's temp dir (certificate files go here).</summary>
    public string Dir => _dir;

    /// <summary>More command-line arguments for the next start (for example the TLS ones, see the TestServer's ServerTls).</summary>
    public List<string> ExtraArguments { get; } = [];

    public string LedgerPath { get; }

    /// <summary>How many times <paramref name="requestId"/> was executed, by any server sharing this ledger.</summary>
    public static int Executions(string ledgerPath, string requestId) =>
        File.Exists(ledgerPath) ? File.ReadAllLines(ledgerPath).Count(l => l.EndsWith(" " + requestId, StringComparison.Ordinal)) : 0;

    /// <summary>How many times <paramref name="requestId"/> was answered without running again (the server de-duplicates by request id).</summary>
    public static int Deduplications(string ledgerPath, string requestId) =>
        File.Exists(ledgerPath) ? File.ReadAllLines(ledgerPath).Count(l => l.EndsWith(" " + requestId + " deduplicated", StringComparison.Ordinal)) : 0;

    /// <summary>Sets the health service's overall status: SERVING, NOT_SERVING or SERVICE_UNKNOWN (a stdin command).</summary>
    public void SetHealth(string status)
    {
        var process = _process ?? throw new InvalidOperationException($"{Name} is not running");
        process.StandardInput.WriteLine($"health {status}");
        process.StandardInput.Flush();
    }

    /// <summary>Ends every open health watch with Unavailable while the connection stays up, as a proxy's stream timeout does (a stdin command).</summary>
    public void CutWatches()
    {
        var process = _process ?? throw new InvalidOperationException($"{Name} is not running");
        process.StandardInput.WriteLine("cut-watches");
        process.StandardInput.Flush();
    }

    /// <summary>What the server's health service recorded: "opened" for each watch, "cut" for each one it ended.</summary>
    public IReadOnlyList<string> WatchRecord()
    {
        var path = Path.Combine(Path.GetDirectoryName(LedgerPath)!, $"{Name}.watches");
        return File.Exists(path) ? File.ReadAllLines(path) : [];
    }

    /// <summary>SIGSTOP: the process holds its sockets open and answers nothing, as a hung or cut-off host.</summary>
    public void Freeze() => Assert.True(Signal("STOP"), $"SIGSTOP of {Name} failed");

    /// <summary>SIGCONT after <see cref="Freeze"/>.</summary>
    public void Thaw() => Assert.True(Signal("CONT"), $"SIGCONT of {Name} failed");

    public async Task StartAsync(string? ledgerPath = null)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in new[] { DllPath, "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--ledger", ledgerPath ?? LedgerPath, "--name", Name }.Concat(ExtraArguments))
        {
            info.ArgumentList.Add(a);
        }

        if (!_health)
        {
            info.ArgumentList.Add("--no-health");
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("the gRPC test server did not start");
        _process = process;
        var stderr = process.StandardError.ReadToEndAsync();
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (line != "listening")
        {
            throw new InvalidOperationException($"the gRPC test server {Name} did not start: {line} {await stderr.WaitAsync(TimeSpan.FromSeconds(5))}");
        }

        _ = process.StandardOutput.ReadToEndAsync();
    }

    /// <summary>SIGKILL: no goodbye, no flushing, as a crashed host.</summary>
    public void Kill()
    {
        if (_process is { } p)
        {
            // A stopped process dies of SIGKILL too; SIGCONT first anyway, so that nothing is left stopped.
            Signal("CONT");

            p.Kill();
            p.WaitForExit(10_000);
            p.Dispose();
            _process = null;
        }
    }

    public void Dispose()
    {
        Kill();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // Left for eng/test.sh's cleanup of dead owners.
        }
    }

    private bool Signal(string signal)
    {
        if (_process is not { HasExited: false } process)
        {
            return false;
        }

        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false, RedirectStandardError = true })
            ?? throw new InvalidOperationException("kill did not start");
        kill.WaitForExit(10_000);
        return kill.ExitCode == 0;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
