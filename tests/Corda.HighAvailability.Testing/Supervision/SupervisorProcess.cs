using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Corda.HighAvailability.Testing;

/// <summary>
/// One <c>corda-ha node run</c> process running the stand-in node (<c>corda-ha node stand-in</c>), with its
/// <c>--events</c> collected as they arrive. Disposing kills it (also after a SIGSTOP), and its node's tree.
/// </summary>
public sealed class SupervisorProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<SupervisorEvent> _events = [];
    private readonly List<string> _stderr = [];
    private readonly SemaphoreSlim _arrived = new(0);

    private SupervisorProcess(string identity, Process process)
    {
        Identity = identity;
        _process = process;
    }

    public string Identity { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return string.Join('\n', _stderr.Where(l => !l.Contains("[node", StringComparison.Ordinal)).TakeLast(80));
            }
        }
    }

    /// <summary>Starts a supervisor whose node is the stand-in, heartbeating as <paramref name="identity"/> on a free port.</summary>
    public static SupervisorProcess Start(string provider, string connectionString, string identity, string leaseName, TimeSpan leaseDuration, TimeSpan grace, TimeSpan margin, string guardLog, IEnumerable<string>? extraOptions = null, IEnumerable<string>? standInOptions = null)
    {
        var port = FreePort();
        var ms = (TimeSpan t) => $"{(long)t.TotalMilliseconds}ms";
        var node = CordaHaTool.StartInfo(["node", "stand-in", "--provider", provider, "--holder", identity, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. standInOptions ?? []]);
        var info = CordaHaTool.StartInfo(
        [
            "node", "run", "--provider", provider, "--lease", leaseName, "--identity", identity, "--create-schema", "--events",
            "--lease-duration", ms(leaseDuration), "--grace", ms(grace), "--safety-margin", ms(margin),
            "--readiness-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--guard-log", guardLog,
            "--restart-delay", "200ms", .. extraOptions ?? [],
            "--", node.FileName, .. node.ArgumentList,
        ]);
        info.Environment["CORDA_HA_CONNECTION"] = connectionString;
        info.Environment["CORDA_HA_STANDIN_CONNECTION"] = connectionString;
        var process = Process.Start(info) ?? throw new InvalidOperationException("supervisor did not start");
        var supervisor = new SupervisorProcess(identity, process);
        process.OutputDataReceived += (_, e) => supervisor.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (supervisor._stderr)
                {
                    supervisor._stderr.Add(line);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return supervisor;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public List<SupervisorEvent> Events()
    {
        lock (_events)
        {
            return [.. _events];
        }
    }

    /// <summary>The pid of the node this supervisor runs now (started and not reported exited), if any.</summary>
    public int? RunningNode()
    {
        var events = Events();
        var started = events.LastOrDefault(e => e.Name == "node-started");
        return started is not null && !events.Any(e => e.Name == "node-exited" && e.Pid == started.Pid) ? started.Pid : null;
    }

    public async Task<SupervisorEvent?> TryWaitForAsync(Func<SupervisorEvent, bool> match, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            lock (_events)
            {
                if (_events.FirstOrDefault(match) is { } found)
                {
                    return found;
                }
            }

            var remaining = timeout - clock.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                return null;
            }

            await _arrived.WaitAsync(remaining < TimeSpan.FromMilliseconds(100) ? remaining : TimeSpan.FromMilliseconds(100));
        }
    }

    public void Signal(int signal)
    {
        if (kill(Pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({Pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public void Kill() => _process.Kill();

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                kill(Pid, 18);
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null || SupervisorEvent.TryParse(line) is not { } parsed)
        {
            return;
        }

        lock (_events)
        {
            _events.Add(parsed with { Supervisor = Identity });
        }

        _arrived.Release();
    }

#pragma warning disable SYSLIB1054 // DllImport keeps the fixture project free of AllowUnsafeBlocks.
    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
#pragma warning restore SYSLIB1054
}

/// <summary>One <c>--events</c> line of <c>corda-ha node run</c>.</summary>
public sealed record SupervisorEvent(string Name, long Epoch, long T, int Pid, int? Code, string? Reason, string Supervisor = "")
{
    public static SupervisorEvent? TryParse(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            return new SupervisorEvent(
                root.GetProperty("event").GetString()!,
                root.TryGetProperty("epoch", out var epoch) ? epoch.GetInt64() : 0,
                root.TryGetProperty("t", out var t) ? t.GetInt64() : 0,
                root.TryGetProperty("pid", out var pid) ? pid.GetInt32() : 0,
                root.TryGetProperty("code", out var code) ? code.GetInt32() : null,
                root.TryGetProperty("reason", out var reason) ? reason.GetString() : null);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }
}
