namespace Corda.HighAvailability.LeaseElection.Supervision;

// Stopping the node when the term ends: through the guard first, then the supervisor's own kill at the deadline.
internal sealed partial class NodeSupervisor
{
    /// <summary>
    /// The term ended while the guard was still starting: tell it to stop (it then starts no node, or kills the one it
    /// just started). Returns the node's pid if it reports one by the deadline; past the deadline the guard is killed,
    /// and a node it may have started dies with it (parent-death signal).
    /// </summary>
    private async Task<int?> StopStartingGuardAsync(GuardConnection guard, long killByNs)
    {
        guard.Send(GuardProtocol.Stop);
        var wait = TimeSpan.FromMilliseconds(Math.Max(0, (killByNs - PosixProcess.NowNs()) / 1_000_000));
        await Task.WhenAny(guard.Started.Task, guard.Exited.Task, Task.Delay(wait, _time, CancellationToken.None)).ConfigureAwait(false);
        if (guard.Started.Task.IsCompleted)
        {
            return guard.Started.Task.Result.Pid;
        }

        if (!guard.Exited.Task.IsCompleted)
        {
            guard.KillGuard();
        }

        return null;
    }

    /// <summary>
    /// Polite stop through the guard; if the guard has not confirmed the node dead by the deadline (it is stopped or
    /// stuck), the supervisor kills the node's tree itself and waits until the kernel shows it dead.
    /// </summary>
    private async Task StopAsync(GuardConnection guard, int pid, long killByNs)
    {
        LogStopping(_logger, pid, _options.GracePeriod);
        guard.Send(GuardProtocol.Stop);
        // The guard kills the node after the grace period itself; the supervisor steps in only at the deadline, when
        // the guard has not confirmed the death by then (it is stopped or starved).
        var wait = TimeSpan.FromMilliseconds(Math.Max(0, (killByNs - PosixProcess.NowNs()) / 1_000_000));
        await Task.WhenAny(guard.Exited.Task, Task.Delay(wait, _time, CancellationToken.None)).ConfigureAwait(false);
        if (guard.Exited.Task is { IsCompleted: true } exited && exited.Result is not null)
        {
            return;
        }

        LogBackstop(_logger, pid);
        guard.KillGuard();
        await KillAndConfirmDeadAsync(pid).ConfigureAwait(false);
    }

    /// <summary>SIGKILLs the node's tree and waits until the kernel shows the node gone or a zombie.</summary>
    private async Task KillAndConfirmDeadAsync(int pid)
    {
        PosixProcess.KillTree(pid);
        while (!PosixProcess.IsDead(pid))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), _time, CancellationToken.None).ConfigureAwait(false);
            PosixProcess.KillTree(pid);
        }
    }
}
