using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Corda.HighAvailability.LeaseElection.Supervision;

/// <summary>The supervisor's end of one guard process: its pipe, and what it reported.</summary>
internal sealed partial class GuardConnection : IDisposable
{
    private readonly Process _process;
    private readonly ILogger _logger;
    private readonly object _writeLock = new();

    private GuardConnection(Process process, ILogger logger)
    {
        _process = process;
        _logger = logger;
    }

    /// <summary>Completes with (pid, ns) when the guard started the node.</summary>
    public TaskCompletionSource<(int Pid, long Ns)> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the node's exit once the guard reaped it, or with <see langword="null"/> when the guard ended without a report.</summary>
    public TaskCompletionSource<(int Pid, int Code, long Ns, string Reason)?> Exited { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int GuardPid => _process.Id;

    /// <summary>Whether the guard process is still there to be configured (a spare may have died).</summary>
    public bool IsUsable => !Exited.Task.IsCompleted;

    /// <summary>
    /// Starts a guard process that waits for its configuration: a standby keeps one ready, so that a takeover does not
    /// wait for a process (and a runtime) to start. Without a configuration it starts nothing and exits.
    /// </summary>
    public static GuardConnection Spawn(NodeProcessOptions options, ILogger logger)
    {
        var info = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // The guard leads a session of its own, so that a signal meant for the supervisor's process group (Ctrl+Z,
        // Ctrl+C in a terminal, a kill of the group) never stops the guard together with the supervisor.
        if (NodeStartInfo.Setsid is { } setsid)
        {
            info.FileName = setsid;
            info.ArgumentList.Add(options.GuardCommand);
        }
        else
        {
            info.FileName = options.GuardCommand;
        }

        foreach (var argument in options.GuardArguments)
        {
            info.ArgumentList.Add(argument);
        }

        // The node inherits the guard's working directory and environment.
        if (options.WorkingDirectory is { Length: > 0 } directory)
        {
            info.WorkingDirectory = directory;
        }

        foreach (var (name, value) in options.Environment)
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"The guard '{options.GuardCommand}' did not start.");
        var connection = new GuardConnection(process, logger);
        process.OutputDataReceived += (_, e) => connection.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                LogGuardSaid(logger, line);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return connection;
    }

    /// <summary>Hands the guard its node: the configuration line, which makes it wait for the first heartbeat.</summary>
    public bool Configure(GuardConfig config) => Send(JsonSerializer.Serialize(config));

    /// <summary>Sends a line; false when the guard is gone.</summary>
    public bool Send(string line)
    {
        try
        {
            lock (_writeLock)
            {
                _process.StandardInput.WriteLine(line);
                _process.StandardInput.Flush();
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>SIGKILLs the guard itself (the backstop, when it does not answer).</summary>
    public void KillGuard()
    {
        try
        {
            _process.Kill();
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            // Already closed.
        }

        // Reaps the guard if it has exited; it exits by itself once the node is dead.
        _process.WaitForExit(TimeSpan.FromSeconds(2));
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            // End of the guard's output: it exited (or was killed) without reporting an exit.
            Exited.TrySetResult(null);
            return;
        }

        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var kind = space < 0 ? line : line[..space];
        var rest = space < 0 ? string.Empty : line[(space + 1)..];
        switch (kind)
        {
            case GuardProtocol.NodeOut:
                LogNodeOutput(_logger, "stdout", rest);
                break;
            case GuardProtocol.NodeErr:
                LogNodeOutput(_logger, "stderr", rest);
                break;
            case GuardProtocol.Started when rest.Split(' ') is [var pid, var ns]
                && GuardProtocol.ParseLong(pid) is { } p && GuardProtocol.ParseLong(ns) is { } n:
                Started.TrySetResult(((int)p, n));
                break;
            case GuardProtocol.Exited when rest.Split(' ') is [var pid, var code, var ns, var reason]
                && GuardProtocol.ParseLong(pid) is { } p && GuardProtocol.ParseLong(code) is { } c && GuardProtocol.ParseLong(ns) is { } n:
                Exited.TrySetResult(((int)p, (int)c, n, reason));
                break;
            default:
                LogGuardSaid(_logger, line);
                break;
        }
    }

    [LoggerMessage(EventId = 1230, Level = LogLevel.Information, Message = "[node {Stream}] {Line}")]
    private static partial void LogNodeOutput(ILogger logger, string stream, string line);

    [LoggerMessage(EventId = 1231, Level = LogLevel.Warning, Message = "{Line}")]
    private static partial void LogGuardSaid(ILogger logger, string line);
}
