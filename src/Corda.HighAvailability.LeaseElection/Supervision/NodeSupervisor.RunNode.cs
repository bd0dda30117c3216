using System.Net.Sockets;
using Corda.HighAvailability.LeaseElection.Storage;

namespace Corda.HighAvailability.LeaseElection.Supervision;

// One run of the node under a guard: start, heartbeats while the term is renewed, the exit report, readiness.
internal sealed partial class NodeSupervisor
{
    private async Task<RunOutcome> RunNodeOnceAsync(LeaseToken token, CancellationToken cancellationToken)
    {
        if (KillByNs(token) is not { } killBy || killBy <= PosixProcess.NowNs())
        {
            return RunOutcome.Stopped;
        }

        GuardConnection guard;
        try
        {
            guard = TakeGuard();
            if (!guard.Configure(CreateConfig(token)))
            {
                guard.Dispose();
                guard = GuardConnection.Spawn(_options, _logger);
                guard.Configure(CreateConfig(token));
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            LogGuardFailed(_logger, ex, _options.GuardCommand);
            return RunOutcome.Crashed;
        }
        finally
        {
            // The next term (here or after a crash) finds a guard ready again.
            _ = Task.Run(PrepareSpareGuard, CancellationToken.None);
        }

        using (guard)
        {
            guard.Send(GuardProtocol.FormatHeartbeat(killBy));
            var guardStarted = _time.GetTimestamp();
            int? pid = null;
            using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var readiness = Task.CompletedTask;
            try
            {
                while (true)
                {
                    // Heartbeats flow from the guard's first moment: a guard slow to start (a loaded host) must not
                    // reach the deadline of the grant it was started under while the term is being renewed.
                    if (pid is null && guard.Started.Task.IsCompleted)
                    {
                        var (startedPid, startedNs) = guard.Started.Task.Result;
                        pid = startedPid;
                        _processId = startedPid;
                        _ready = _options.ReadinessPort is null;
                        LogNodeStarted(_logger, startedPid, token.Epoch);
                        Raise(ProcessStarted, new NodeProcessEventArgs(startedPid, token.Epoch, startedNs));
                        readiness = _options.ReadinessPort is { } port ? ProbeReadinessAsync(startedPid, token.Epoch, port, probe.Token) : Task.CompletedTask;
                    }

                    if (guard.Exited.Task.IsCompleted)
                    {
                        if (pid is { } exitedPid)
                        {
                            if (guard.Exited.Task.Result is null)
                            {
                                // The guard died without a report: its node dies by the parent-death signal; make sure
                                // of it (and of its tree) before this term can end and the lease be released.
                                await KillAndConfirmDeadAsync(exitedPid).ConfigureAwait(false);
                            }

                            return Exited(token, guard, exitedPid, stopping: false);
                        }

                        LogNodeDidNotStart(_logger, token.Epoch);
                        return cancellationToken.IsCancellationRequested ? RunOutcome.Stopped : RunOutcome.Crashed;
                    }

                    if (pid is null && _time.GetElapsedTime(guardStarted) > NodeSupervisionConstants.GuardStartTimeout)
                    {
                        // Killing the guard takes a node it may have started with it (parent-death signal).
                        guard.KillGuard();
                        LogNodeDidNotStart(_logger, token.Epoch);
                        return RunOutcome.Crashed;
                    }

                    // The term, as the elector sees it now: a confirmed renewal moves the deadline on.
                    if (cancellationToken.IsCancellationRequested || KillByNs(token) is not { } next)
                    {
                        break;
                    }

                    if (next > killBy)
                    {
                        killBy = next;
                        guard.Send(GuardProtocol.FormatHeartbeat(killBy));
                    }

                    await Task.WhenAny(guard.Exited.Task, guard.Started.Task.IsCompleted ? Task.Delay(NodeSupervisionConstants.HeartbeatInterval, _time, cancellationToken) : Task.WhenAny(guard.Started.Task, Task.Delay(NodeSupervisionConstants.HeartbeatInterval, _time, cancellationToken))).ConfigureAwait(false);
                }

                pid ??= await StopStartingGuardAsync(guard, killBy).ConfigureAwait(false);
                if (pid is { } stoppingPid)
                {
                    await StopAsync(guard, stoppingPid, killBy).ConfigureAwait(false);
                    Exited(token, guard, stoppingPid, stopping: true);
                }

                return RunOutcome.Stopped;
            }
            finally
            {
                await probe.CancelAsync().ConfigureAwait(false);
                await readiness.ConfigureAwait(false);
            }
        }
    }

    private RunOutcome Exited(LeaseToken token, GuardConnection guard, int pid, bool stopping)
    {
        _processId = 0;
        _ready = false;
        var report = guard.Exited.Task.IsCompleted ? guard.Exited.Task.Result : null;
        var code = report?.Code;
        var reason = report?.Reason ?? GuardProtocol.ReasonBackstop;
        var ns = report?.Ns ?? PosixProcess.NowNs();
        if (stopping)
        {
            LogNodeStopped(_logger, pid, code, reason);
        }
        else
        {
            LogNodeExited(_logger, pid, code, reason, token.Epoch);
        }

        Raise(ProcessExited, new NodeProcessEventArgs(pid, token.Epoch, ns, code, reason));
        if (report is null && !stopping)
        {
            // The guard died without a report: this term no longer has a dead man's switch; hand over.
            return RunOutcome.GuardFired;
        }

        return reason == GuardProtocol.ReasonDeadline ? RunOutcome.GuardFired : RunOutcome.Crashed;
    }

    private async Task ProbeReadinessAsync(int pid, long epoch, int port, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(_options.ReadinessHost, port, cancellationToken).ConfigureAwait(false);
                    _ready = true;
                    LogNodeReady(_logger, pid, port);
                    Raise(ProcessReady, new NodeProcessEventArgs(pid, epoch, PosixProcess.NowNs()));
                    return;
                }
                catch (SocketException)
                {
                    await Task.Delay(NodeSupervisionConstants.ReadinessInterval, _time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The node stopped or leadership ended.
        }
    }
}
