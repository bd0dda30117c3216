using System.Diagnostics;
using Corda.HighAvailability.LeaseElection.Hosting;
using Corda.HighAvailability.LeaseElection.Policies;
using Corda.HighAvailability.LeaseElection.Storage;
using Corda.HighAvailability.LeaseElection.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.LeaseElection;

/// <summary>
/// The election loop. A candidate tries to take the lease, and otherwise sleeps until the observed expiry or
/// until the store signals a change (release). A leader renews every <see cref="LeaseElectionOptions.RetryPeriod"/>
/// and self-fences when no renewal succeeded within <see cref="LeaseElectionOptions.RenewDeadline"/> of the start
/// of the last successful one; a timer enforces that even while a database call hangs.
/// </summary>
internal sealed partial class LeaseElector : ILeaseElector
{
    private static readonly CancellationToken NotLeading = new(canceled: true);

    private readonly ILeaseStore _store;
    private readonly LeaseElectionOptions _options;
    private readonly FailoverPolicy[] _policies;
    private readonly ILeadershipObserver[] _observers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LeaseElectionMetrics _metrics;
    private readonly IServiceProvider _services;
    private readonly LeaseHolder _holder;
    private readonly object _sync = new();
    private readonly Queue<LeadershipTransition> _transitions = new();
    private TaskCompletionSource<LeaseToken> _leadershipWaiters = NewWaiters();
    private LeadershipTerm? _term;
    private LeaseRecord? _observed;
    private (string? HolderId, long Epoch)? _lastObservedLeader;

    public LeaseElector(
        ILeaseStore store,
        IOptions<LeaseElectionOptions> options,
        IEnumerable<FailoverPolicy> policies,
        IEnumerable<ILeadershipObserver> observers,
        TimeProvider timeProvider,
        ILogger<LeaseElector> logger,
        LeaseElectionMetrics metrics,
        IServiceProvider services)
    {
        _store = store;
        _options = options.Value;
        _policies = policies.ToArray();
        _observers = observers.ToArray();
        _time = timeProvider;
        _logger = logger;
        _metrics = metrics;
        _services = services;
        _holder = new LeaseHolder(_options.Identity, Environment.MachineName, Environment.ProcessId, _options.HolderVersion);
        _metrics.TrackLeader(() => (IsLeader, _options.LeaseName));
    }

    public event EventHandler<LeadershipChangedEventArgs>? StartedLeading;

    public event EventHandler<LeadershipChangedEventArgs>? StoppedLeading;

    public event EventHandler<LeaderObservedEventArgs>? NewLeaderObserved;

    public string Identity => _options.Identity;

    public bool IsLeader => _term is { IsActive: true };

    public LeaseToken? CurrentLease => _term is { IsActive: true } term ? term.Token : null;

    public long? CurrentEpoch => CurrentLease?.Epoch;

    public LeaseRecord? ObservedLease => _observed;

    public CancellationToken LeadershipToken => _term is { IsActive: true } term ? term.Cancellation : NotLeading;

    public async Task<LeaseToken> WaitForLeadershipAsync(CancellationToken cancellationToken)
    {
        Task<LeaseToken> waiter;
        lock (_sync)
        {
            if (_term is { IsActive: true } term)
            {
                return term.Token;
            }

            waiter = _leadershipWaiters.Task;
        }

        return await waiter.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        LogElectionStarting(_logger, _options.LeaseName, _options.Identity, _store.ProviderName, _options.LeaseDuration, _options.RenewDeadline, _options.RetryPeriod);
        try
        {
            if (_options.AutoCreateSchema)
            {
                await EnsureSchemaAsync(stoppingToken).ConfigureAwait(false);
            }

            while (!stoppingToken.IsCancellationRequested)
            {
                if (_term is { } term)
                {
                    await LeadAsync(term, stoppingToken).ConfigureAwait(false);
                }
                else
                {
                    await StandAsync(stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
        finally
        {
            if (_term is { } term)
            {
                await EndTermAsync(term, LeadershipTransitionKind.Released, "the host is stopping", _options.ReleaseOnStop).ConfigureAwait(false);
            }

            LogElectionStopped(_logger, _options.LeaseName);
        }
    }

    private async Task EnsureSchemaAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await _store.EnsureSchemaAsync(stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogSchemaFailed(_logger, ex, _store.ProviderName);
                await Task.Delay(_options.RetryPeriod, _time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One candidate step: ask the policies, try to acquire, otherwise sleep until expiry or a change.</summary>
    private async Task StandAsync(CancellationToken stoppingToken)
    {
        var context = CreateContext(null);
        if (!await ShouldStandAsync(context, stoppingToken).ConfigureAwait(false))
        {
            await Task.Delay(_options.RetryPeriod, _time, stoppingToken).ConfigureAwait(false);
            return;
        }

        var delay = GetTakeoverDelay(context);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
        }

        var start = _time.GetTimestamp();
        LeaseAttemptResult result;
        using (var activity = StartActivity("corda_ha.lease.acquire"))
        {
            try
            {
                result = await _store.TryAcquireAsync(_options.LeaseName, _holder, _options.LeaseDuration, stoppingToken).ConfigureAwait(false);
                activity?.SetTag("corda_ha.lease.acquired", result.Succeeded);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().FullName);
                _metrics.AcquireDuration(_options.LeaseName, _time.GetElapsedTime(start), "error");
                LogAcquireFailed(_logger, ex, _options.LeaseName);
                await Task.Delay(_options.RetryPeriod, _time, stoppingToken).ConfigureAwait(false);
                return;
            }
        }

        _metrics.AcquireDuration(_options.LeaseName, _time.GetElapsedTime(start), result.Succeeded ? "acquired" : "held");
        Observe(result.Record);
        if (result.Succeeded)
        {
            await BeginTermAsync(result.Token!, start).ConfigureAwait(false);
            return;
        }

        await WaitForVacancyAsync(result.Record, stoppingToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sleeps until the observed expiry, waking early only when the store signals a change and a re-read shows
    /// the lease free. Renewals by the leader push the expiry on; they never turn into acquire attempts.
    /// </summary>
    private async Task WaitForVacancyAsync(LeaseRecord? record, CancellationToken stoppingToken)
    {
        while (true)
        {
            var wait = record is { IsHeld: true } ? record.TimeToExpiry : LeaseElectionConstants.MinimumWait;
            wait = Clamp(wait, LeaseElectionConstants.MinimumWait, _options.LeaseDuration);
            bool changed;
            try
            {
                changed = await _store.WaitForChangeAsync(_options.LeaseName, wait, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogWaitFailed(_logger, ex, _options.LeaseName);
                await Task.Delay(Clamp(wait, LeaseElectionConstants.MinimumWait, _options.RetryPeriod), _time, stoppingToken).ConfigureAwait(false);
                return;
            }

            if (!changed)
            {
                return;
            }

            try
            {
                record = await _store.ReadAsync(_options.LeaseName, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogWaitFailed(_logger, ex, _options.LeaseName);
                return;
            }

            Observe(record);
            if (record is null || !record.IsHeld || record.IsHeldBy(_holder.Id))
            {
                return;
            }
        }
    }

    /// <summary>One leader step: wait a retry period, consult the policies, renew.</summary>
    private async Task LeadAsync(LeadershipTerm term, CancellationToken stoppingToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, term.Cancellation);
        try
        {
            await Task.Delay(_options.RetryPeriod, _time, linked.Token).ConfigureAwait(false);
            if (await ShouldStepDownAsync(CreateContext(term), linked.Token).ConfigureAwait(false))
            {
                await EndTermAsync(term, LeadershipTransitionKind.Released, "a failover policy asked to step down", release: true).ConfigureAwait(false);
                return;
            }

            await RenewAsync(term, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested && term.Cancellation.IsCancellationRequested)
        {
            // The renew deadline passed; the timer has ended (or is ending) the term.
            await EndTermAsync(term, LeadershipTransitionKind.Lost, "no renewal succeeded within the renew deadline", release: false).ConfigureAwait(false);
        }
    }

    private async Task RenewAsync(LeadershipTerm term, CancellationToken cancellationToken)
    {
        var start = _time.GetTimestamp();
        using var activity = StartActivity("corda_ha.lease.renew");
        activity?.SetTag("corda_ha.lease.epoch", term.Token.Epoch);
        LeaseAttemptResult result;
        try
        {
            result = await _store.TryRenewAsync(term.Token, _options.LeaseDuration, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().FullName);
            _metrics.RenewDuration(_options.LeaseName, _time.GetElapsedTime(start), "error");
            _metrics.RenewFailure(_options.LeaseName, ex.GetType().FullName ?? "error");
            LogRenewFailed(_logger, ex, _options.LeaseName, term.Token.Epoch, _time.GetElapsedTime(term.LastRenewalStart));
            return;
        }

        _metrics.RenewDuration(_options.LeaseName, _time.GetElapsedTime(start), result.Succeeded ? "renewed" : "lost");
        Observe(result.Record);
        if (result.Succeeded)
        {
            term.Renewed(start);
            return;
        }

        activity?.SetStatus(ActivityStatusCode.Error, "lease_lost");
        _metrics.RenewFailure(_options.LeaseName, "lease_lost");
        var holder = result.Record?.Holder?.Id ?? "nobody";
        await EndTermAsync(term, LeadershipTransitionKind.Lost, $"the renewal found the lease held by '{holder}' at epoch {result.Record?.Epoch}", release: false).ConfigureAwait(false);
    }

    private async Task BeginTermAsync(LeaseToken token, long grantStart)
    {
        var term = new LeadershipTerm(token, grantStart, _time, _options.RenewDeadline, OnRenewDeadlinePassed);
        TaskCompletionSource<LeaseToken> waiters;
        lock (_sync)
        {
            _term = term;
            Remember(LeadershipTransitionKind.Acquired, token.Epoch);
            waiters = _leadershipWaiters;
        }

        LogAcquired(_logger, token.LeaseName, token.Epoch, token.HolderId);
        _metrics.Transition(token.LeaseName, "acquired");
        waiters.TrySetResult(token);
        Raise(StartedLeading, new LeadershipChangedEventArgs(token, LeadershipTransitionKind.Acquired, "acquired the lease"));
        foreach (var observer in _observers)
        {
            try
            {
                await observer.OnStartedLeadingAsync(token, term.Cancellation).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogObserverFailed(_logger, ex, observer.GetType().Name);
            }
        }
    }

    private void OnRenewDeadlinePassed(LeadershipTerm term)
    {
        LogRenewDeadlinePassed(_logger, term.Token.LeaseName, term.Token.Epoch, _options.RenewDeadline);
        _ = EndTermAsync(term, LeadershipTransitionKind.Lost, "no renewal succeeded within the renew deadline", release: false);
    }

    /// <summary>Ends a term once: cancel the leadership token, stop leader-only work, then release if asked.</summary>
    private async Task EndTermAsync(LeadershipTerm term, LeadershipTransitionKind kind, string reason, bool release)
    {
        if (!term.TryEnd())
        {
            return;
        }

        lock (_sync)
        {
            if (ReferenceEquals(_term, term))
            {
                _term = null;
            }

            Remember(kind, term.Token.Epoch);
            if (_leadershipWaiters.Task.IsCompleted)
            {
                _leadershipWaiters = NewWaiters();
            }
        }

        if (kind == LeadershipTransitionKind.Lost)
        {
            LogLost(_logger, term.Token.LeaseName, term.Token.Epoch, reason);
        }
        else
        {
            LogReleasing(_logger, term.Token.LeaseName, term.Token.Epoch, reason);
        }

        _metrics.Transition(term.Token.LeaseName, kind == LeadershipTransitionKind.Lost ? "lost" : "released");
        Raise(StoppedLeading, new LeadershipChangedEventArgs(term.Token, kind, reason));

        using var timeout = new CancellationTokenSource(_options.ReleaseTimeout, _time);
        foreach (var observer in _observers)
        {
            try
            {
                await observer.OnStoppedLeadingAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogObserverFailed(_logger, ex, observer.GetType().Name);
            }
        }

        term.Dispose();
        if (!release)
        {
            return;
        }

        using var activity = StartActivity("corda_ha.lease.release");
        activity?.SetTag("corda_ha.lease.epoch", term.Token.Epoch);
        try
        {
            var released = await _store.ReleaseAsync(term.Token, timeout.Token).ConfigureAwait(false);
            LogReleased(_logger, term.Token.LeaseName, term.Token.Epoch, released);
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().FullName);
            LogReleaseFailed(_logger, ex, term.Token.LeaseName, term.Token.Epoch);
        }
    }

    private void Observe(LeaseRecord? record)
    {
        if (record is null)
        {
            return;
        }

        _observed = record;
        var leader = (record.Holder?.Id, record.Epoch);
        if (_lastObservedLeader == leader)
        {
            return;
        }

        _lastObservedLeader = leader;
        LogNewLeader(_logger, record.LeaseName, record.Holder?.Id ?? "(released)", record.Epoch);
        Raise(NewLeaderObserved, new LeaderObservedEventArgs(record));
    }

    private FailoverPolicyContext CreateContext(LeadershipTerm? term)
    {
        LeadershipTransition[] transitions;
        lock (_sync)
        {
            transitions = _transitions.ToArray();
        }

        return new FailoverPolicyContext(
            _options,
            term is { IsActive: true },
            _observed,
            term is null ? null : _time.GetElapsedTime(term.StartedAt),
            transitions,
            _time,
            _services);
    }

    private async ValueTask<bool> ShouldStandAsync(FailoverPolicyContext context, CancellationToken cancellationToken)
    {
        foreach (var policy in _policies)
        {
            try
            {
                if (!await policy.ShouldStandForElectionAsync(context, cancellationToken).ConfigureAwait(false))
                {
                    return false;
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogPolicyFailed(_logger, ex, policy.GetType().Name, nameof(FailoverPolicy.ShouldStandForElectionAsync));
            }
        }

        return true;
    }

    private TimeSpan GetTakeoverDelay(FailoverPolicyContext context)
    {
        var delay = TimeSpan.Zero;
        foreach (var policy in _policies)
        {
            try
            {
                var wanted = policy.GetTakeoverDelay(context);
                delay = wanted > delay ? wanted : delay;
            }
            catch (Exception ex)
            {
                LogPolicyFailed(_logger, ex, policy.GetType().Name, nameof(FailoverPolicy.GetTakeoverDelay));
            }
        }

        return delay;
    }

    private async ValueTask<bool> ShouldStepDownAsync(FailoverPolicyContext context, CancellationToken cancellationToken)
    {
        foreach (var policy in _policies)
        {
            try
            {
                if (await policy.ShouldStepDownAsync(context, cancellationToken).ConfigureAwait(false))
                {
                    return true;
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogPolicyFailed(_logger, ex, policy.GetType().Name, nameof(FailoverPolicy.ShouldStepDownAsync));
            }
        }

        return false;
    }

    private void Remember(LeadershipTransitionKind kind, long epoch)
    {
        _transitions.Enqueue(new LeadershipTransition(kind, epoch, _time.GetTimestamp()));
        while (_transitions.Count > LeaseElectionConstants.TransitionHistoryLength)
        {
            _transitions.Dequeue();
        }
    }

    private void Raise<TArgs>(EventHandler<TArgs>? handler, TArgs args)
    {
        if (handler is null)
        {
            return;
        }

        // Each subscriber is isolated: one that throws must not stop the others or the election.
        foreach (var single in handler.GetInvocationList().Cast<EventHandler<TArgs>>())
        {
            try
            {
                single(this, args);
            }
            catch (Exception ex)
            {
                LogObserverFailed(_logger, ex, single.Method.DeclaringType?.Name ?? "event handler");
            }
        }
    }

    private Activity? StartActivity(string name)
    {
        var activity = _metrics.ActivitySource.StartActivity(name, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(LeaseElectionMetrics.LeaseNameTag, _options.LeaseName);
            activity.SetTag("db.system", _store.ProviderName);
        }

        return activity;
    }

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) =>
        value < min ? min : value > max ? max : value;

    private static TaskCompletionSource<LeaseToken> NewWaiters() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
