using System.Collections.Concurrent;
using System.Data.Common;
using Corda.HighAvailability.LeaseElection;
using Corda.HighAvailability.LeaseElection.Fencing;
using Corda.HighAvailability.LeaseElection.Storage;
using Corda.HighAvailability.Tool.Cli;
using Microsoft.Extensions.Hosting;

namespace Corda.HighAvailability.Tool.Drill;

/// <summary>
/// The candidate's "application": while it leads, a fenced write every <see cref="CandidateSettings.WriteInterval"/>
/// through <see cref="ILeaseFence"/>; when the term ends, one deliberate write with the old token once the database
/// no longer carries that grant, which the fence must reject. On the command <c>stall</c> (a line on stdin) the next
/// write stalls inside its transaction, after its insert and before the fence check, for three lease durations: the
/// drill pauses the process meanwhile, a standby takes over, and that in-flight write must never commit.
/// </summary>
/// <remarks>
/// Registered before the election's hosted service, so the host stops it after the election: on SIGTERM the elector
/// ends the term and releases the lease first, and this service still gets to make (and report) its stale write.
/// </remarks>
internal sealed class DrillWriterService : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public const string StallCommand = "stall";

    private readonly ILeaseElector _elector;
    private readonly ILeaseFence _fence;
    private readonly ISqlLeaseStore _store;
    private readonly CandidateSettings _settings;
    private readonly CandidateEventWriter _events;
    private readonly TimeProvider _time;
    private readonly DrillSql _sql;
    private readonly ConcurrentDictionary<long, string> _endings = new();
    private int _stallRequested;

    public DrillWriterService(ILeaseElector elector, ILeaseFence fence, ILeaseStore store, CandidateSettings settings, CandidateEventWriter events, TimeProvider time)
    {
        _elector = elector;
        _fence = fence;

        // The drill's stores are SQL stores; its deliberate stale write needs the store's own fenced writes.
        _store = store as ISqlLeaseStore ?? throw new InvalidOperationException($"The drill needs a SQL lease store, not '{store.ProviderName}'.");
        _settings = settings;
        _events = events;
        _time = time;
        _sql = Providers.ProviderTable.Get(settings.Provider).RequireLease().Drill;
        _elector.StoppedLeading += (_, e) => _endings[e.Token.Epoch] = e.Kind.ToString().ToLowerInvariant();
        // Lets an observer (tests, the drill) know this candidate has seen the lease and stands by.
        _elector.NewLeaderObserved += (_, e) => _events.Observed(e.Lease.Epoch, e.Lease.IsHeld ? e.Lease.Holder?.Id : null);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await EnsureTableAsync(stoppingToken).ConfigureAwait(false);
        // Console.In reads synchronously whatever the API says: keep it off the host's start-up path.
        _ = Task.Factory.StartNew(() => ReadCommands(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        while (!stoppingToken.IsCancellationRequested)
        {
            LeaseToken token;
            try
            {
                token = await _elector.WaitForLeadershipAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var leadership = _elector.LeadershipToken;
            if (_elector.CurrentEpoch != token.Epoch)
            {
                continue;
            }

            _events.Leading(token.Epoch);
            var fenced = await WriteWhileLeadingAsync(token, leadership).ConfigureAwait(false);
            _events.Stopped(token.Epoch, await EndingAsync(token.Epoch, fenced).ConfigureAwait(false));
            var (outcome, detail) = await StaleWriteAsync(token).ConfigureAwait(false);
            _events.StaleWrite(token.Epoch, outcome, detail);
        }
    }

    /// <summary>Writes until the term ends; true if the database fenced a write before this host noticed.</summary>
    private async Task<bool> WriteWhileLeadingAsync(LeaseToken token, CancellationToken leadership)
    {
        var first = true;
        while (!leadership.IsCancellationRequested)
        {
            if (Interlocked.Exchange(ref _stallRequested, 0) == 1)
            {
                await InFlightWriteAsync(token).ConfigureAwait(false);
                continue;
            }

            try
            {
                await _fence.ExecuteAsync(InsertAsync, leadership).ConfigureAwait(false);
                if (first)
                {
                    _events.FirstWrite(token.Epoch);
                    first = false;
                }
            }
            catch (LeaseFencedException)
            {
                // Possible after a pause: the process resumed before its renew-deadline timer fired.
                return true;
            }
            catch (OperationCanceledException) when (leadership.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException)
            {
                // A busy database is not the end of the term; the elector decides that.
                Console.Error.WriteLine($"{_settings.Identity}: fenced write failed: {Secrets.Redact(ex.Message, _settings.ConnectionString)}");
            }

            try
            {
                await Task.Delay(_settings.WriteInterval, _time, leadership).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>How the term ended, as the elector reported it (it raises the event just after cancelling the term).</summary>
    private async Task<string> EndingAsync(long epoch, bool fenced)
    {
        for (var i = 0; i < 20 && !_endings.ContainsKey(epoch); i++)
        {
            await Task.Delay(PollInterval, _time).ConfigureAwait(false);
        }

        return _endings.TryRemove(epoch, out var kind) ? kind : fenced ? "fenced" : "unknown";
    }

    /// <summary>
    /// Waits until the database no longer carries the grant (released, lapsed or taken over), then writes with the
    /// old token. Before that moment the write would legitimately succeed, which would prove nothing.
    /// </summary>
    private async Task<(string Outcome, string? Detail)> StaleWriteAsync(LeaseToken token)
    {
        using var timeout = new CancellationTokenSource(_settings.LeaseDuration + TimeSpan.FromSeconds(3), _time);
        try
        {
            while (true)
            {
                var record = await _store.ReadAsync(token.LeaseName, timeout.Token).ConfigureAwait(false);
                if (record is null || record.Epoch != token.Epoch || record.Holder is null)
                {
                    break;
                }

                await Task.Delay(PollInterval, _time, timeout.Token).ConfigureAwait(false);
            }

            // The point is the epoch check, not the time limit: a whole lease, so that a busy SQLite write lock cannot turn a
            // refusal into a timeout.
            await _store.ExecuteFencedAsync(token, _settings.LeaseDuration, InsertAsync, timeout.Token).ConfigureAwait(false);
            return (StaleWriteOutcomes.Accepted, "a write under a superseded grant was committed");
        }
        catch (LeaseFencedException)
        {
            return (StaleWriteOutcomes.Rejected, null);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException or OperationCanceledException)
        {
            return (StaleWriteOutcomes.Error, Secrets.Redact(ex.Message, _settings.ConnectionString));
        }
    }

    /// <summary>Reads commands from stdin (the drill's orchestrator writes them); a closed stdin simply ends this.</summary>
    private void ReadCommands(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested && Console.In.ReadLine() is { } line)
            {
                if (string.Equals(line.Trim(), StallCommand, StringComparison.Ordinal))
                {
                    Interlocked.Exchange(ref _stallRequested, 1);
                }
            }
        }
        catch (IOException)
        {
            // No stdin.
        }
    }

    /// <summary>
    /// A write that inserts, reports that it is in flight, then stalls before the fence check. Whatever ends it (the
    /// fenced-write time limit, the server ending the session, or the check finding a new epoch), it must not commit.
    /// </summary>
    private async Task InFlightWriteAsync(LeaseToken token)
    {
        string outcome;
        string? detail = null;
        try
        {
            await _fence.ExecuteAsync(
                async (transaction, cancellationToken) =>
                {
                    var inserted = await InsertAsync(transaction, cancellationToken).ConfigureAwait(false);
                    _events.InFlightStarted(token.Epoch);
                    await Task.Delay(_settings.LeaseDuration * 3, _time, cancellationToken).ConfigureAwait(false);
                    return inserted;
                },
                CancellationToken.None).ConfigureAwait(false);
            outcome = StaleWriteOutcomes.Accepted;
            detail = "a write in flight across a takeover was committed";
        }
        catch (Exception ex) when (ex is LeaseFencedException or TimeoutException or DbException or OperationCanceledException or InvalidOperationException)
        {
            // Every one of these ends the transaction without a commit.
            outcome = StaleWriteOutcomes.Rejected;
            detail = ex.GetType().Name;
        }

        _events.InFlightWrite(token.Epoch, outcome, detail);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Statements are DrillSql constants; every value is a parameter.")]
    private async Task<int> InsertAsync(FencedTransaction transaction, CancellationToken cancellationToken)
    {
        var command = transaction.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = _sql.InsertWrite;
            AddParameter(command, "@lease", transaction.Token.LeaseName);
            AddParameter(command, "@holder", transaction.Token.HolderId);
            AddParameter(command, "@epoch", transaction.Token.Epoch);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Statements are DrillSql constants; every value is a parameter.")]
    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        // The orchestrator creates the table first; doing it here too lets a candidate run on its own (tests).
        var connection = await Providers.StoreFactory.OpenAsync(_settings.Provider, _settings.ConnectionString, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = _sql.Create;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
