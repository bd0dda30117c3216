using System.Diagnostics;

namespace Corda.HighAvailability.IntegrationTests.Processes;

/// <summary>
/// One <c>corda-ha drill-candidate</c> process on a test database: its events are collected as they arrive, and
/// disposing it kills it if it still runs (also after a SIGSTOP), even when the test failed.
/// </summary>
internal sealed class Candidate : IDisposable
{
    private readonly Process _process;
    private readonly List<CandidateEvent> _events = [];
    private readonly List<string> _stderr = [];
    private readonly SemaphoreSlim _arrived = new(0);

    private Candidate(string identity, Process process)
    {
        Identity = identity;
        _process = process;
    }

    public string Identity { get; }

    public int Pid => _process.Id;

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return string.Join('\n', _stderr);
            }
        }
    }

    public static Candidate Start(TempDatabase database, string identity, TimeSpan leaseDuration, string lease = "test-lease", bool sampleBelief = false) =>
        Start("sqlite", database.ConnectionString, identity, leaseDuration, lease, sampleBelief);

    /// <summary>Starts a candidate on any provider; with <paramref name="sampleBelief"/> it reports its belief intervals.</summary>
    public static Candidate Start(string provider, string connectionString, string identity, TimeSpan leaseDuration, string lease, bool sampleBelief)
    {
        var info = CordaHaTool.StartInfo(
        [
            "drill-candidate", "--provider", provider, "--lease", lease, "--identity", identity,
            "--lease-duration", $"{(long)leaseDuration.TotalMilliseconds}ms", .. (sampleBelief ? new[] { "--sample-belief" } : []),
        ]);
        info.Environment["CORDA_HA_DRILL_CONNECTION"] = connectionString;
        var process = Process.Start(info) ?? throw new InvalidOperationException("candidate did not start");
        var candidate = new Candidate(identity, process);
        process.OutputDataReceived += (_, e) => candidate.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (candidate._stderr)
                {
                    candidate._stderr.Add(line);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return candidate;
    }

    /// <summary>The first event (already received or still to come) that matches; fails the test after <paramref name="timeout"/>.</summary>
    public async Task<CandidateEvent> WaitForAsync(Func<CandidateEvent, bool> match, TimeSpan timeout, string what) =>
        await TryWaitForAsync(match, timeout)
        ?? throw new Xunit.Sdk.XunitException($"{Identity}: no {what} within {timeout.TotalSeconds:0.#} s. Events: {string.Join(", ", Events().Select(e => e.Name + "@" + e.Epoch))}. Stderr: {Stderr}");

    /// <summary>The first event (already received or still to come) that matches, or <see langword="null"/> after <paramref name="timeout"/>.</summary>
    public async Task<CandidateEvent?> TryWaitForAsync(Func<CandidateEvent, bool> match, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            lock (_events)
            {
                if (_events.FirstOrDefault(match) is { } found)
                {
                    return found;
                }
            }

            var remaining = timeout - deadline.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                return null;
            }

            await _arrived.WaitAsync(remaining < TimeSpan.FromMilliseconds(200) ? remaining : TimeSpan.FromMilliseconds(200));
        }
    }

    public Task<CandidateEvent> WaitForAsync(string name, TimeSpan timeout) => WaitForAsync(e => e.Name == name, timeout, $"'{name}' event");

    public List<CandidateEvent> Events()
    {
        lock (_events)
        {
            return [.. _events];
        }
    }

    public void Signal(int signal) => Signals.Send(Pid, signal);

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
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        // _arrived is not disposed: output callbacks may still run after the kill, and it holds no handle.
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null || CandidateEvent.TryParse(line) is not { } parsed)
        {
            return;
        }

        lock (_events)
        {
            _events.Add(parsed);
        }

        _arrived.Release();
    }
}
