using System.Diagnostics;
using Corda.HighAvailability.LeaseElection.Hosting;
using Corda.HighAvailability.LeaseElection.Policies;
using Corda.HighAvailability.LeaseElection.Storage;
using Corda.HighAvailability.LeaseElection.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.LeaseElection;

/// <summary>
/// The election loop. A candidate reads the lease row and takes it over only when it is free or when it has seen
/// the same revision for a whole <see cref="LeaseElectionOptions.LeaseDuration"/> on its own monotonic clock
/// (<see cref="VacancyWatch"/>). A leader renews every <see cref="LeaseElectionOptions.RetryPeriod"/> and stops
/// leading when no renewal succeeded within <see cref="LeaseElectionOptions.RenewDeadline"/> of the start of the
/// last successful one; its term checks that deadline on every read (<see cref="LeadershipTerm"/>). Nothing on the
/// renewal path waits on user code: policies, observers and events run off the loop.
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
    private readonly VacancyWatch _vacancy;
    private readonly TimeBoxedQuestion _standQuestion = new();
    private readonly object _sync = new();
    private readonly Queue<LeadershipTransition> _transitions = new();
    private TaskCompletionSource<LeaseToken> _leadershipWaiters = NewWaiters();
    private LeadershipTerm? _term;
    private LeaseRecord? _observed;
    private (string? HolderId, long Epoch)? _lastObservedLeader;
    private (long Epoch, long Revision)? _foreignTwin;
    private long _twinReportedEpoch = -1;

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
        _holder = new LeaseHolder(_options.Identity, Environment.MachineName, Environment.ProcessId, _options.HolderVersion, LeaseElectionDefaults.CreateInstanceId());
        _vacancy = new VacancyWatch(_time, _options.LeaseDuration);
        _metrics.TrackLeader(() => (IsLeader, _options.LeaseName));
    }

    public event EventHandler<LeadershipChangedEventArgs>? StartedLeading;

    public event EventHandler<LeadershipChangedEventArgs>? StoppedLeading;

    public event EventHandler<LeaderObservedEventArgs>? NewLeaderObserved;

    public string Identity => _options.Identity;

    /// <summary>The random id of this elector instance, written with its grants.</summary>
    internal string InstanceId => _holder.InstanceId!;

    public bool IsLeader => ActiveTerm is not null;

    public LeaseToken? CurrentLease => ActiveTerm?.Token;

    public long? CurrentEpoch => CurrentLease?.Epoch;

    public LeaseRecord? ObservedLease => _observed;

    public CancellationToken LeadershipToken => ActiveTerm?.Cancellation ?? NotLeading;

    /// <summary>Time left before the current term's renew deadline; zero when not leading.</summary>
    internal TimeSpan LeadershipTimeLeft => ActiveTerm?.TimeLeft ?? TimeSpan.Zero;

    /// <summary>
    /// The grant in force and the start of its last confirmed renewal, as a timestamp of <see cref="Time"/>; the node
    /// supervisor derives from it how long its process may live. <see langword="null"/> when not leading.
    /// </summary>
    internal (LeaseToken Token, long LastRenewalStart)? ActiveGrant => ActiveTerm is { } term ? (term.Token, term.LastRenewalStart) : null;

    /// <summary>The elector's clock.</summary>
    internal TimeProvider Time => _time;

    /// <summary>The term, only while it is in force: its deadline is checked on every read, not only by its timer.</summary>
    private LeadershipTerm? ActiveTerm => Volatile.Read(ref _term) is { IsActive: true } term ? term : null;

    public async Task<LeaseToken> WaitForLeadershipAsync(CancellationToken cancellationToken)
    {
        Task<LeaseToken> waiter;
        lock (_sync)
        {
            if (ActiveTerm is { } term)
            {
                return term.Token;
            }

            waiter = _leadershipWaiters.Task;
        }

        return await waiter.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs before the host starts: creates the schema when asked to, and otherwise refuses to start when the
    /// database answers that the lease table does not exist. An unreachable database is not a reason to refuse:
    /// the election waits for it.
    /// </summary>
    public async Task CheckStartupAsync(CancellationToken cancellationToken)
    {
        if (_options.AutoCreateSchema)
        {
            if (_store is not ILeaseSchemaStore)
            {
                throw new InvalidOperationException($"LeaseElectionOptions.AutoCreateSchema is set, but the lease store '{_store.ProviderName}' has no schema to create.");
            }

            return;
        }

        try
        {
            await _store.ReadAsync(_options.LeaseName, cancellationToken).ConfigureAwait(false);
        }
        catch (LeaseSchemaMissingException ex)
        {
            LogSchemaMissing(_logger, ex, _options.LeaseName, _store.ProviderName);
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogStartupReadFailed(_logger, ex, _options.LeaseName);
        }
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        LogElectionStarting(_logger, _options.LeaseName, _options.Identity, _store.ProviderName, _options.LeaseDuration, _options.RenewDeadline, _options.RetryPeriod);
        try
        {
            if (_options.AutoCreateSchema && _store is ILeaseSchemaStore schema)
            {
                await EnsureSchemaAsync(schema, stoppingToken).ConfigureAwait(false);
            }

            while (!stoppingToken.IsCancellationRequested)
            {
                if (Volatile.Read(ref _term) is { } term)
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
            if (Volatile.Read(ref _term) is { } term)
            {
                await EndTermAsync(term, LeadershipTransitionKind.Released, "the host is stopping", _options.ReleaseOnStop).ConfigureAwait(false);
            }

            LogElectionStopped(_logger, _options.LeaseName);
        }
    }

    private async Task EnsureSchemaAsync(ILeaseSchemaStore schema, CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await schema.EnsureSchemaAsync(stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogSchemaFailed(_logger, ex, _store.ProviderName);
                await Task.Delay(_options.RetryPeriod, _time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Takes in a lease row this host read or wrote; raises <see cref="NewLeaderObserved"/> on a new holder or epoch.</summary>
    private void Observe(LeaseRecord? record, long observedAt)
    {
        _vacancy.Observe(record, observedAt);
        if (record is null)
        {
            return;
        }

        _observed = record;
        CheckForTwin(record);
        var leader = (record.Holder?.Id, record.Epoch);
        if (_lastObservedLeader == leader)
        {
            return;
        }

        _lastObservedLeader = leader;
        LogNewLeader(_logger, record.LeaseName, record.Holder?.Id ?? "(released)", record.Epoch);
        Raise(NewLeaderObserved, new LeaderObservedEventArgs(record));
    }

    /// <summary>
    /// Reports a duplicated identity: the row carries this host's configured identity but another instance's id,
    /// and that instance is alive (the grant is being renewed). The two never both lead, since a grant is
    /// recognised only by the epoch its acquire returned, but operators must fix the configuration.
    /// </summary>
    private void CheckForTwin(LeaseRecord record)
    {
        if (record.Holder is not { } holder
            || !string.Equals(holder.Id, _holder.Id, StringComparison.Ordinal)
            || holder.InstanceId is null
            || string.Equals(holder.InstanceId, _holder.InstanceId, StringComparison.Ordinal))
        {
            return;
        }

        var seen = _foreignTwin;
        _foreignTwin = (record.Epoch, record.Revision);
        if (seen is { } before && before.Epoch == record.Epoch && before.Revision != record.Revision && _twinReportedEpoch != record.Epoch)
        {
            _twinReportedEpoch = record.Epoch;
            _metrics.DuplicateIdentity(_options.LeaseName);
            LogDuplicateIdentity(_logger, _options.LeaseName, _holder.Id, holder.Machine ?? "?", holder.ProcessId ?? 0, record.Epoch);
        }
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
