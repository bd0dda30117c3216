using System.Diagnostics;
using System.Threading.Channels;
using Corda.HighAvailability.Tool.Cli;

namespace Corda.HighAvailability.Tool.Drill;

/// <summary>
/// One candidate child process seen from the orchestrator: its events go to a shared channel, the tail of its
/// stderr is kept for error messages, and disposing it kills it if it still runs.
/// </summary>
internal sealed class CandidateProcess : IDisposable
{
    private const int StderrLines = 20;

    private readonly Process _process;
    private readonly Queue<string> _stderr = new();
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CandidateProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        Pid = process.Id;
    }

    public string Name { get; }

    public int Pid { get; }

    /// <summary>Set when the orchestrator stops it on purpose, so that its exit is not reported as a failure.</summary>
    public bool Stopping { get; set; }

    public bool HasExited => _exited.Task.IsCompleted;

    public string StderrTail
    {
        get
        {
            lock (_stderr)
            {
                return string.Join(" | ", _stderr);
            }
        }
    }

    public static CandidateProcess Start(string name, ProcessStartInfo startInfo, ChannelWriter<DrillEvent> events)
    {
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        if (!process.Start())
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start {name}.");
        }

        var candidate = new CandidateProcess(name, process);
        process.ErrorDataReceived += (_, e) => candidate.KeepStderr(e.Data);
        process.BeginErrorReadLine();
        _ = candidate.PumpAsync(events);
        return candidate;
    }

    /// <summary>Sends a command line to the candidate's stdin (see <see cref="DrillWriterService"/>).</summary>
    public void Send(string command)
    {
        _process.StandardInput.WriteLine(command);
        _process.StandardInput.Flush();
    }

    public void Signal(int signal)
    {
        if (signal == Signals.Kill)
        {
            _process.Kill();
        }
        else
        {
            Signals.Send(Pid, signal);
        }
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        var finished = await Task.WhenAny(_exited.Task, Task.Delay(timeout)).ConfigureAwait(false);
        return finished == _exited.Task;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                // SIGKILL works on a stopped (SIGSTOP) process too.
                _process.Kill();
                _process.WaitForExit(2000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private async Task PumpAsync(ChannelWriter<DrillEvent> events)
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (DrillEvent.TryParse(Name, line) is { } drillEvent)
                {
                    events.TryWrite(drillEvent);
                }
                else if (line.Length > 0)
                {
                    KeepStderr(line);
                }
            }

            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException)
        {
            KeepStderr(ex.Message);
        }

        var code = SafeExitCode();
        _exited.TrySetResult(code);
        events.TryWrite(new DrillEvent(Name, CandidateEventNames.Exited, 0, MonotonicClock.NowNanoseconds(), null, null, code));
    }

    private int SafeExitCode()
    {
        try
        {
            return _process.HasExited ? _process.ExitCode : -1;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }

    private void KeepStderr(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        lock (_stderr)
        {
            _stderr.Enqueue(line.Trim());
            while (_stderr.Count > StderrLines)
            {
                _stderr.Dequeue();
            }
        }
    }
}
