using System.Net.Sockets;
using Corda.HighAvailability.LeaseElection.Hosting;
using Corda.HighAvailability.LeaseElection.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.LeaseElection.Supervision;

// The core: state, construction, the public surface, and the term's lifecycle (start, stop, the restart loop). The
// other concerns are in NodeSupervisor.*.cs: Guard, RunNode, Stop, CrashPolicy, Log.
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
}
