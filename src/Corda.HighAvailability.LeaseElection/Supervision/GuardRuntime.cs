using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Corda.HighAvailability.LeaseElection.Storage;

namespace Corda.HighAvailability.LeaseElection.Supervision;

/// <summary>
/// The dead man's switch, running in its own process as the node's parent. It starts the node in a session of its
/// own (so that the whole tree can be killed) with a parent-death signal of SIGKILL (so that the node dies with the
/// guard), and SIGKILLs that tree when the supervisor's last confirmed deadline passes or when the supervisor's end
/// of the pipe closes. It never waits on the supervisor to do so: the deadline is watched by a thread of its own, on
/// CLOCK_MONOTONIC, which is the same clock in the supervisor.
/// </summary>
internal sealed class GuardRuntime
{
    private static readonly UTF8Encoding NoBom = new(encoderShouldEmitUTF8Identifier: false);
    private readonly TextReader _input;
    private readonly TextWriter _output;
    private readonly TextWriter _diagnostics;
    private readonly Func<NodeGuardRelease, ILeaseStore>? _storeFactory;
    private readonly object _writeLock = new();
    private readonly ManualResetEventSlim _firstHeartbeat = new();
    private readonly ManualResetEventSlim _nodeGone = new();
    private readonly TaskCompletionSource<int> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private GuardConfig _config = new();
    private ILeaseStore? _releaseStore;
    private long _killByNs = long.MinValue;
    private long _hardKillAtNs = long.MaxValue;
    private int _pid;
    private volatile bool _exited;
    private volatile string? _killReason;
    private volatile bool _orphaned;

    public GuardRuntime(TextReader input, TextWriter output, TextWriter diagnostics, Func<NodeGuardRelease, ILeaseStore>? storeFactory)
    {
        _input = input;
        _output = output;
        _diagnostics = diagnostics;
        _storeFactory = storeFactory;
    }

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var first = _input.ReadLine();
        if (first is null)
        {
            // A spare guard whose supervisor stopped (or died) before it needed it: nothing was started.
            return 0;
        }

        if (JsonSerializer.Deserialize<GuardConfig>(first) is not { Command.Length: > 0 } config)
        {
            Diagnose("no configuration on standard input; the guard is started by the node supervisor.");
            return 2;
        }

        _config = config;
        WarmUpRelease();

        // Dedicated threads: the reader blocks on the pipe, the watcher must run even when the thread pool is busy,
        // and the node's parent-death signal is tied to the thread that started it, which lives until the node is dead.
        StartThread(ReadCommands, "corda-ha guard reader");
        StartThread(WatchDeadline, "corda-ha guard deadline");
        StartThread(OwnNode, "corda-ha guard node owner");
        using var registration = cancellationToken.Register(() => BeginStop(GuardProtocol.ReasonStopped));
        return await _done.Task.ConfigureAwait(false);
    }

    private static void StartThread(Action body, string name) => new Thread(() => body()) { IsBackground = true, Name = name }.Start();

    private void ReadCommands()
    {
        try
        {
            while (_input.ReadLine() is { } line)
            {
                var parts = line.Split(' ', 2);
                switch (parts[0])
                {
                    case GuardProtocol.Heartbeat when parts.Length == 2 && GuardProtocol.ParseLong(parts[1]) is { } killBy:
                        // Deadlines only move forward: a late line never shortens nor (worse) revives a passed one.
                        if (killBy > Interlocked.Read(ref _killByNs))
                        {
                            Interlocked.Exchange(ref _killByNs, killBy);
                        }

                        _firstHeartbeat.Set();
                        break;
                    case GuardProtocol.Stop:
                        BeginStop(GuardProtocol.ReasonStopped);
                        break;
                    case GuardProtocol.Kill:
                        HardKill(GuardProtocol.ReasonKilled);
                        break;
                }
            }
        }
        catch (IOException)
        {
            // The pipe broke: same as end of input.
        }

        // End of input: the supervisor is gone (its end of the pipe closes when its process dies, however it died).
        if (!_exited)
        {
            _orphaned = true;
            BeginStop(GuardProtocol.ReasonOrphaned);
        }

        _firstHeartbeat.Set();
    }

    private void OwnNode()
    {
        _firstHeartbeat.Wait();
        if (_orphaned || _killReason is not null || PosixProcess.NowNs() >= Interlocked.Read(ref _killByNs))
        {
            Diagnose("the node was not started: the supervisor is gone, asked to stop, or its deadline passed.");
            _exited = true;
            _done.TrySetResult(3);
            return;
        }

        Process node;
        long startedNs;
        try
        {
            var info = NodeStartInfo.Create(_config);
            startedNs = PosixProcess.NowNs();
            node = Process.Start(info) ?? throw new InvalidOperationException("the node did not start");
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            Diagnose($"the node could not be started: {ex.Message}");
            Write(GuardProtocol.FormatExited(0, 127, PosixProcess.NowNs(), GuardProtocol.ReasonExit));
            _exited = true;
            _done.TrySetResult(0);
            return;
        }

        // Completed at the end of each output stream (no disposal needed, unlike an event a late reader could hit).
        var outputEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errorEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (node)
        {
            Volatile.Write(ref _pid, node.Id);
            node.OutputDataReceived += (_, e) => Forward(GuardProtocol.NodeOut, e.Data, outputEnded);
            node.ErrorDataReceived += (_, e) => Forward(GuardProtocol.NodeErr, e.Data, errorEnded);
            node.BeginOutputReadLine();
            node.BeginErrorReadLine();
            Log("started", node.Id, startedNs);
            Write(GuardProtocol.FormatStarted(node.Id, startedNs));

            // A kill requested before the pid was known (a stop or an end of input racing the start) lands now.
            if (_killReason is not null || _orphaned)
            {
                BeginStop(_killReason ?? GuardProtocol.ReasonOrphaned);
            }

            // The timed overload: it does not wait for the output pipes, which a surviving grandchild could hold open.
            while (!node.WaitForExit(TimeSpan.FromMilliseconds(50)))
            {
            }

            var exitedNs = PosixProcess.NowNs();
            _exited = true;
            _nodeGone.Set();
            var code = node.ExitCode;
            var reason = _killReason ?? GuardProtocol.ReasonExit;

            // The tree goes with the node: whatever it started must not outlive it.
            PosixProcess.KillTree(node.Id);

            // The node's last lines may still be in its pipes or in the readers: forward them before the report,
            // after which the guard exits and whatever was not forwarded would be lost. (The timed wait above does
            // not wait for the pipes; with the group dead they end at once, barring a descendant that left it.)
            Task.WaitAll([outputEnded.Task, errorEnded.Task], NodeSupervisionConstants.OutputDrainTimeout);
            Log("exited", node.Id, exitedNs, code, reason);
            Write(GuardProtocol.FormatExited(node.Id, code, exitedNs, reason));
        }

        if (_orphaned)
        {
            ReleaseAfterOrphaned();
        }

        _done.TrySetResult(0);
    }

    private void WatchDeadline()
    {
        while (!_exited)
        {
            var now = PosixProcess.NowNs();
            var killBy = Interlocked.Read(ref _killByNs);
            if (_firstHeartbeat.IsSet && (now >= killBy || now >= Interlocked.Read(ref _hardKillAtNs)))
            {
                HardKill(now >= killBy ? GuardProtocol.ReasonDeadline : _killReason ?? GuardProtocol.ReasonStopped);
            }

            // A wait, not a timer: this thread must run even when the thread pool is starved.
            _nodeGone.Wait(NodeSupervisionConstants.GuardTick);
        }
    }

    /// <summary>Polite stop: the stop signal (or command) now, SIGKILL after the grace period or at the deadline, whichever is first.</summary>
    private void BeginStop(string reason)
    {
        _killReason ??= reason;
        var hardKillAt = PosixProcess.NowNs() + (_config.GraceMs * 1_000_000);
        if (hardKillAt < Interlocked.Read(ref _hardKillAtNs))
        {
            Interlocked.Exchange(ref _hardKillAtNs, hardKillAt);
        }

        var pid = Volatile.Read(ref _pid);
        if (pid == 0 || _exited)
        {
            return;
        }

        if (_config.StopCommand is { Length: > 0 } stopCommand)
        {
            try
            {
                var info = new ProcessStartInfo(stopCommand) { UseShellExecute = false };
                foreach (var argument in _config.StopArguments)
                {
                    info.ArgumentList.Add(argument);
                }

                using var stopper = Process.Start(info);
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                Diagnose($"the stop command failed to start ({ex.Message}); the node is killed after the grace period.");
            }
        }
        else
        {
            PosixProcess.Signal(pid, _config.StopSignal);
        }
    }

    private void HardKill(string reason)
    {
        _killReason ??= reason;
        Interlocked.Exchange(ref _hardKillAtNs, long.MinValue);
        if (Volatile.Read(ref _pid) is var pid and > 0 && !_exited)
        {
            // Kill first, report after: a write to a stalled supervisor's pipe may block.
            PosixProcess.KillTree(pid);
        }
    }

    /// <summary>
    /// Opens the store for a later release now, and reads the lease once: the release after the supervisor's death
    /// then costs one statement, not a driver's first connection (the standby is waiting).
    /// </summary>
    private void WarmUpRelease()
    {
        if (_config.Release is not { } release || _storeFactory is null)
        {
            return;
        }

        try
        {
            var store = _storeFactory(new NodeGuardRelease { Provider = release.Provider, ConnectionString = release.ConnectionString, TableName = release.TableName });
            _releaseStore = store;
            _ = Task.Run(async () =>
            {
                try
                {
                    await store.ReadAsync(release.LeaseName, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    Diagnose($"the lease store could not be read ({ex.GetType().Name}); a release after the supervisor's death may fail.");
                }
            });
        }
        catch (Exception ex)
        {
            Diagnose($"the lease store could not be opened ({ex.GetType().Name}); no release after the supervisor's death.");
        }
    }

    private void ReleaseAfterOrphaned()
    {
        if (_config.Release is not { } release || _releaseStore is not { } store)
        {
            return;
        }

        try
        {
            var token = new LeaseToken(release.LeaseName, release.HolderId, release.Epoch);
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                var released = store.ReleaseAsync(token, timeout.Token).GetAwaiter().GetResult();
                Log(released ? "released" : "release-refused", 0, PosixProcess.NowNs());
            }
            finally
            {
                store.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        catch (Exception ex)
        {
            // Never with the connection string: only the exception's type and message.
            Diagnose($"the lease could not be released ({ex.GetType().Name}); a standby takes over when it lapses.");
        }
    }

    private void Forward(string stream, string? line, TaskCompletionSource ended)
    {
        if (line is null)
        {
            ended.TrySetResult();
            return;
        }

        Write(stream + " " + line);
    }

    private void Write(string line)
    {
        try
        {
            lock (_writeLock)
            {
                _output.WriteLine(line);
                _output.Flush();
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The supervisor is gone; the guard carries on.
        }
    }

    private void Diagnose(string message)
    {
        try
        {
            _diagnostics.WriteLine("corda-ha guard: " + message);
            _diagnostics.Flush();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // Nobody to tell.
        }
    }

    /// <summary>Appends an event to the guard log: the only record of a node's end that outlives the supervisor.</summary>
    private void Log(string name, int pid, long ns, int? code = null, string? reason = null)
    {
        if (_config.LogPath is not { Length: > 0 } path)
        {
            return;
        }

        var line = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["event"] = name,
            ["pid"] = pid,
            ["ns"] = ns,
            ["epoch"] = _config.Epoch,
            ["code"] = code,
            ["reason"] = reason,
            ["guard"] = Environment.ProcessId,
        });
        try
        {
            File.AppendAllText(path, line + "\n", NoBom);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Diagnose($"could not write the guard log ({ex.Message}).");
        }
    }
}
