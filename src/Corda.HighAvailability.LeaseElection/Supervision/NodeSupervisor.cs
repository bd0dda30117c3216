using System.Net.Sockets;
using Corda.HighAvailability.LeaseElection.Hosting;
using Corda.HighAvailability.LeaseElection.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.LeaseElection.Supervision;

/// <summary>
/// Runs the node while this host leads. Per term: the pre-start gates, then a guard process that starts the node;
/// every confirmed renewal moves the guard's kill deadline to <c>renewal start + LeaseDuration - SafetyMargin</c>.
/// When the term ends (lost, released, or the host stops) the node is stopped politely and killed by that deadline
/// at the latest; the elector releases the lease only after this observer returned, so only after the node's death
/// was confirmed. A crash while leading restarts the node with backoff; the failover policies decide when to give up.
/// </summary>
internal sealed partial class NodeSupervisor : ILeadershipObserver, INodeSupervisor
{
    private const int CrashHistoryLength = 32;

    private readonly NodeProcessOptions _options;
    private readonly LeaseElectionOptions _lease;
    private readonly Lazy<LeaseElector> _elector;
    private readonly IPreStartGate[] _gates;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly object _sync = new();
    private readonly Queue<long> _crashes = new();
    private CancellationTokenSource? _termCancellation;
    private Task _termRun = Task.CompletedTask;
    private volatile int _processId;
    private volatile bool _ready;
    private volatile bool _stepDownRequested;
    private long _lastStepDownRequest = long.MinValue;
    private GuardConnection? _spare;
    private bool _stopped;

    public NodeSupervisor(IOptions<NodeProcessOptions> options, IOptions<LeaseElectionOptions> lease, IServiceProvider services, IEnumerable<IPreStartGate> gates, TimeProvider time, ILogger<NodeSupervisor> logger)
    {
        _options = options.Value;
        _lease = lease.Value;

        // Resolved on first use: the elector depends on this supervisor (an observer and a policy's source).
        _elector = new Lazy<LeaseElector>(services.GetRequiredService<LeaseElector>);
        _gates = gates.ToArray();
        _logger = logger;
        _time = time;
    }

    public event EventHandler<NodeProcessEventArgs>? ProcessStarted;

    public event EventHandler<NodeProcessEventArgs>? ProcessReady;

    public event EventHandler<NodeProcessEventArgs>? ProcessExited;

    /// <inheritdoc />
    public event EventHandler<PreStartGateWarningEventArgs>? PreStartGateWarned;

    public int? ProcessId => _processId is var pid and > 0 ? pid : null;

    public bool IsReady => _ready && _processId > 0;

    public IReadOnlyList<long> RecentCrashes
    {
        get
        {
            lock (_sync)
            {
                return _crashes.ToArray();
            }
        }
    }

    /// <summary>Whether the current term cannot run the node (a gate refused, the guard fired): the leader should step down.</summary>
    internal bool StepDownRequested => _stepDownRequested;

    /// <summary>When the last step-down was requested, if ever.</summary>
    internal long? LastStepDownRequest => Interlocked.Read(ref _lastStepDownRequest) is var at and not long.MinValue ? at : null;

    /// <summary>
    /// Starts a spare guard if none is ready: the guard is a process of its own, and starting one (a runtime) takes a
    /// noticeable part of a second, which a takeover should not wait for.
    /// </summary>
    internal void PrepareSpareGuard()
    {
        lock (_sync)
        {
            if (_stopped || _spare is { IsUsable: true })
            {
                return;
            }

            _spare?.Dispose();
            try
            {
                _spare = GuardConnection.Spawn(_options, _logger);
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
            {
                _spare = null;
                LogGuardFailed(_logger, ex, _options.GuardCommand);
            }
        }
    }

    /// <summary>Ends the spare guard (it exits on the end of its input, having started nothing).</summary>
    internal void DisposeSpareGuard()
    {
        GuardConnection? spare;
        lock (_sync)
        {
            _stopped = true;
            spare = _spare;
            _spare = null;
        }

        spare?.Dispose();
    }

    private GuardConnection TakeGuard()
    {
        lock (_sync)
        {
            var spare = _spare;
            _spare = null;
            if (spare is { IsUsable: true })
            {
                return spare;
            }

            spare?.Dispose();
        }

        return GuardConnection.Spawn(_options, _logger);
    }

    public Task OnStartedLeadingAsync(LeaseToken token, CancellationToken leadershipToken)
    {
        lock (_sync)
        {
            _stepDownRequested = false;
            _termCancellation?.Dispose();
            _termCancellation = CancellationTokenSource.CreateLinkedTokenSource(leadershipToken);
            var cancellation = _termCancellation.Token;

            // Off the observer call: the elector awaits started work before it can end a term.
            _termRun = Task.Run(() => RunTermAsync(token, cancellation), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops the node and returns only once it is dead. The token is deliberately ignored: returning early would let
    /// the elector release the lease with the node still running. The stop is bounded by the node's kill deadline.
    /// </summary>
    public async Task OnStoppedLeadingAsync(CancellationToken cancellationToken)
    {
        Task run;
        lock (_sync)
        {
            _termCancellation?.Cancel();
            run = _termRun;
        }

        try
        {
            await run.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogTermFailed(_logger, ex);
        }
    }

    private async Task RunTermAsync(LeaseToken token, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var gate in _gates)
            {
                var verdict = await gate.CheckAsync(token, cancellationToken).ConfigureAwait(false);
                if (!verdict.IsAllowed)
                {
                    LogGateRefused(_logger, gate.GetType().Name, token.Epoch, verdict.Reason);
                    RequestStepDown();
                    return;
                }

                if (verdict.IsWarning)
                {
                    LogGateWarned(_logger, gate.GetType().Name, token.Epoch, verdict.Reason);
                    Raise(PreStartGateWarned, new PreStartGateWarningEventArgs(gate.GetType().Name, token.Epoch, verdict.Reason));
                }
            }

            var crashesThisTerm = 0;
            while (!cancellationToken.IsCancellationRequested)
            {
                var outcome = await RunNodeOnceAsync(token, cancellationToken).ConfigureAwait(false);
                if (outcome == RunOutcome.Stopped)
                {
                    return;
                }

                if (outcome == RunOutcome.GuardFired)
                {
                    // The guard killed the node on its own deadline: this term can no longer vouch for a node.
                    RequestStepDown();
                    return;
                }

                RecordCrash();
                crashesThisTerm++;
                var delay = Backoff(crashesThisTerm);
                LogRestarting(_logger, token.Epoch, delay);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Leadership ended during a gate or a backoff: no node runs.
        }
    }

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

    /// <summary>
    /// The instant (CLOCK_MONOTONIC ns) by which the node must be dead under the grant's last confirmed renewal, or
    /// <see langword="null"/> when <paramref name="token"/> is no longer the grant in force.
    /// </summary>
    private long? KillByNs(LeaseToken token)
    {
        if (_elector.Value.ActiveGrant is not { } grant || !grant.Token.Equals(token))
        {
            return null;
        }

        // Measured on the elector's clock, placed on the shared monotonic clock: the guard compares with that. "Now"
        // is read first, so a preemption between the two reads can only make the deadline earlier, never later.
        var now = PosixProcess.NowNs();
        var sinceRenewal = _time.GetElapsedTime(grant.LastRenewalStart);
        var allowed = _lease.LeaseDuration - _options.SafetyMargin - sinceRenewal;
        return now + (allowed.Ticks * 100);
    }

    private GuardConfig CreateConfig(LeaseToken token)
    {
        var config = new GuardConfig
        {
            Command = _options.Command,
            Arguments = [.. _options.Arguments],
            StopSignal = _options.StopSignal,
            StopCommand = _options.StopCommand,
            StopArguments = [.. _options.StopArguments],
            GraceMs = (long)_options.GracePeriod.TotalMilliseconds,
            LogPath = _options.GuardLogPath,
            Epoch = token.Epoch,
        };
        if (_options.GuardRelease is { } release)
        {
            config.Release = new GuardReleaseConfig
            {
                Provider = release.Provider,
                ConnectionString = release.ConnectionString,
                TableName = release.TableName,
                LeaseName = token.LeaseName,
                HolderId = token.HolderId,
                Epoch = token.Epoch,
            };
        }

        return config;
    }

    private TimeSpan Backoff(int crashes)
    {
        var delay = _options.RestartDelay * Math.Pow(2, Math.Min(crashes - 1, 20));
        return delay > _options.MaxRestartDelay ? _options.MaxRestartDelay : delay;
    }

    private void RecordCrash()
    {
        lock (_sync)
        {
            _crashes.Enqueue(_time.GetTimestamp());
            while (_crashes.Count > CrashHistoryLength)
            {
                _crashes.Dequeue();
            }
        }
    }

    private void RequestStepDown()
    {
        Interlocked.Exchange(ref _lastStepDownRequest, _time.GetTimestamp());
        _stepDownRequested = true;
    }

    private void Raise<TArgs>(EventHandler<TArgs>? handler, TArgs args)
    {
        if (handler is null)
        {
            return;
        }

        foreach (var single in handler.GetInvocationList().Cast<EventHandler<TArgs>>())
        {
            try
            {
                single(this, args);
            }
            catch (Exception ex)
            {
                LogHandlerFailed(_logger, ex);
            }
        }
    }

    private enum RunOutcome
    {
        Stopped,
        Crashed,
        GuardFired,
    }

    [LoggerMessage(EventId = 1200, Level = LogLevel.Warning, Message = "Pre-start gate {Gate} refused to start the node under epoch {Epoch}: {Reason}. Stepping down.")]
    private static partial void LogGateRefused(ILogger logger, string gate, long epoch, string reason);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Node started (pid {Pid}) under epoch {Epoch}.")]
    private static partial void LogNodeStarted(ILogger logger, int pid, long epoch);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Node (pid {Pid}) is ready: port {Port} answers.")]
    private static partial void LogNodeReady(ILogger logger, int pid, int port);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Stopping the node (pid {Pid}); SIGKILL after {Grace} or at its deadline.")]
    private static partial void LogStopping(ILogger logger, int pid, TimeSpan grace);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Information, Message = "Node (pid {Pid}) is dead: exit code {Code}, {Reason}.")]
    private static partial void LogNodeStopped(ILogger logger, int pid, int? code, string reason);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Warning, Message = "Node (pid {Pid}) exited while leading under epoch {Epoch}: exit code {Code}, {Reason}.")]
    private static partial void LogNodeExited(ILogger logger, int pid, int? code, string reason, long epoch);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Information, Message = "Restarting the node under epoch {Epoch} in {Delay}.")]
    private static partial void LogRestarting(ILogger logger, long epoch, TimeSpan delay);

    [LoggerMessage(EventId = 1207, Level = LogLevel.Error, Message = "The guard did not confirm the node (pid {Pid}) dead by its deadline; killing it from the supervisor.")]
    private static partial void LogBackstop(ILogger logger, int pid);

    [LoggerMessage(EventId = 1208, Level = LogLevel.Error, Message = "The guard '{GuardCommand}' could not be started.")]
    private static partial void LogGuardFailed(ILogger logger, Exception exception, string guardCommand);

    [LoggerMessage(EventId = 1209, Level = LogLevel.Error, Message = "The node did not start under epoch {Epoch} (see the guard's messages).")]
    private static partial void LogNodeDidNotStart(ILogger logger, long epoch);

    [LoggerMessage(EventId = 1210, Level = LogLevel.Error, Message = "Supervising the node failed.")]
    private static partial void LogTermFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1211, Level = LogLevel.Error, Message = "A node process event handler failed.")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1212, Level = LogLevel.Warning, Message = "Pre-start gate {Gate} warned before starting the node under epoch {Epoch}: {Reason}. Starting it anyway.")]
    private static partial void LogGateWarned(ILogger logger, string gate, long epoch, string reason);
}
