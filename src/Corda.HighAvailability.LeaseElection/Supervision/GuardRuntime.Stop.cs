using System.Diagnostics;

namespace Corda.HighAvailability.LeaseElection.Supervision;

// The dead man's switch proper: the deadline watcher, the polite stop and the hard kill of the node's tree.
internal sealed partial class GuardRuntime
{
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
}
