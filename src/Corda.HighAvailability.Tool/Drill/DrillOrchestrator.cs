using System.Data.Common;
using System.Globalization;
using System.Threading.Channels;
using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Commands;
using Corda.HighAvailability.Tool.Providers;

namespace Corda.HighAvailability.Tool.Drill;

/// <summary>
/// Runs the drill: starts candidate processes, takes the leader down round after round (SIGKILL, SIGTERM, and one
/// SIGSTOP/SIGCONT pause), measures each failover, keeps the number of candidates up, and finally checks the write
/// log for overlaps. Every wait is bounded; disposing it kills every child still running.
/// </summary>
internal sealed class DrillOrchestrator : IAsyncDisposable
{
    private readonly DrillSettings _settings;
    private readonly Channel<DrillEvent> _events = Channel.CreateUnbounded<DrillEvent>();
    private readonly List<CandidateProcess> _candidates = [];
    private readonly List<DrillEvent> _history = [];
    private readonly List<TimelineEntry> _timeline = [];
    private readonly long _startNs = MonotonicClock.NowNanoseconds();
    private readonly TimeSpan _bound;
    private readonly DrillSql _sql;
    private int _nextCandidate = 1;
    private (string Candidate, long Epoch)? _leader;

    public DrillOrchestrator(DrillSettings settings)
    {
        _settings = settings;
        _bound = DrillTimings.WaitBound(settings.LeaseDuration);
        _sql = DrillSql.For(settings.Provider);
        AppDomain.CurrentDomain.ProcessExit += KillAll;
    }

    public async Task<DrillResult> RunAsync(CancellationToken cancellationToken)
    {
        if (_settings.Format == OutputFormat.Text)
        {
            DrillReport.WriteHeader(_settings);
        }

        await PrepareDatabaseAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < _settings.Candidates; i++)
        {
            StartCandidate();
        }

        // Process start-up (runtime, JIT, schema) comes on top of the election, hence the extra allowance.
        await WaitForAsync(e => e.Name == CandidateEventNames.FirstWrite, 0, _bound + TimeSpan.FromSeconds(20), "first leader", cancellationToken).ConfigureAwait(false);

        var failovers = new List<Failover>();
        var plan = Plan(_settings.Kills).ToList();
        for (var round = 1; round <= plan.Count; round++)
        {
            // Let the leader lead for about one lease duration, so it has renewed and written before it goes down.
            await DrainAsync(_settings.LeaseDuration, cancellationToken).ConfigureAwait(false);
            failovers.Add(await FailOverAsync(round, plan[round - 1], cancellationToken).ConfigureAwait(false));
            if (round < plan.Count)
            {
                // Keep N candidates alive for the next round.
                StartCandidate();
            }
        }

        await StopAllAsync().ConfigureAwait(false);
        var writes = await AnalyzeAsync(cancellationToken).ConfigureAwait(false);
        var stale = _history.Where(e => e.Name == CandidateEventNames.StaleWrite).ToList();
        return new DrillResult(
            _settings,
            failovers,
            writes,
            stale.Count(e => e.Outcome == StaleWriteOutcomes.Rejected),
            stale.Count(e => e.Outcome == StaleWriteOutcomes.Accepted),
            stale.Count(e => e.Outcome == StaleWriteOutcomes.Error),
            _history.Count(e => e.Name == CandidateEventNames.InFlightWrite && e.Outcome == StaleWriteOutcomes.Rejected),
            _history.Count(e => e.Name == CandidateEventNames.InFlightWrite && e.Outcome == StaleWriteOutcomes.Accepted),
            Since(MonotonicClock.NowNanoseconds()),
            _timeline);
    }

    public ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillAll;
        KillAll(null, EventArgs.Empty);
        return ValueTask.CompletedTask;
    }

    /// <summary>Crashes, with the second round a graceful stop, then one pause round.</summary>
    private static IEnumerable<FailoverKind> Plan(int kills)
    {
        for (var i = 1; i <= kills; i++)
        {
            yield return i == 2 ? FailoverKind.Graceful : FailoverKind.Crash;
        }

        yield return FailoverKind.Pause;
    }

    private async Task<Failover> FailOverAsync(int round, FailoverKind kind, CancellationToken cancellationToken)
    {
        var (name, epoch) = _leader ?? throw new ToolException(ExitCodes.DrillFailed, "No leader to take down.");
        var old = _candidates.Single(c => c.Name == name);
        var from = _history.Count;
        var signalNs = MonotonicClock.NowNanoseconds();
        switch (kind)
        {
            case FailoverKind.Crash:
                old.Stopping = true;
                SignalAndLog(old, Signals.Kill, $"leader at epoch {epoch}");
                break;
            case FailoverKind.Graceful:
                old.Stopping = true;
                SignalAndLog(old, Signals.Terminate, $"leader at epoch {epoch}");
                break;
            default:
                // A write in flight across the takeover: started (inserted, not yet checked) before the pause,
                // resumed after a standby took over. It must not commit.
                old.Send(DrillWriterService.StallCommand);
                await WaitForAsync(e => e.Name == CandidateEventNames.InFlightStarted && e.Candidate == name && e.Epoch == epoch, from, _bound, $"in-flight write of {name}", cancellationToken).ConfigureAwait(false);
                SignalAndLog(old, Signals.Stop, $"leader at epoch {epoch}, paused for 1.5 x lease with a write in flight");
                await DrainAsync(_settings.LeaseDuration * 1.5, cancellationToken).ConfigureAwait(false);
                SignalAndLog(old, Signals.Continue, "resumed");
                break;
        }

        var next = await WaitForAsync(
            e => e.Name == CandidateEventNames.FirstWrite && e.Epoch > epoch && e.Candidate != name,
            from,
            _bound,
            $"new leader after the {Failover.KindName(kind)} of {name}",
            cancellationToken).ConfigureAwait(false);

        if (kind == FailoverKind.Pause)
        {
            // The resumed process must not commit its in-flight write, must find its grant gone and its write fenced;
            // then it is retired.
            await WaitForAsync(e => e.Name == CandidateEventNames.InFlightWrite && e.Candidate == name && e.Epoch == epoch, from, _bound, $"in-flight write outcome of resumed {name}", cancellationToken).ConfigureAwait(false);
            await WaitForAsync(e => e.Name == CandidateEventNames.StaleWrite && e.Candidate == name && e.Epoch == epoch, from, _bound, $"stale write of resumed {name}", cancellationToken).ConfigureAwait(false);
            old.Stopping = true;
            SignalAndLog(old, Signals.Terminate, "retired after the pause");
        }

        if (kind != FailoverKind.Crash)
        {
            await WaitForAsync(e => e.Name == CandidateEventNames.Exited && e.Candidate == name, from, _bound, $"exit of {name}", cancellationToken).ConfigureAwait(false);
        }

        return new Failover(round, kind, (next.TimeNs - signalNs) / 1e6, name, epoch, next.Candidate, next.Epoch);
    }

    private void StartCandidate()
    {
        var name = $"candidate-{_nextCandidate++}";
        var arguments = new List<string>
        {
            DrillCandidateCommand.Name,
            "--provider", ProviderNames.Name(_settings.Provider),
            "--lease", _settings.LeaseName,
            "--identity", name,
            "--lease-duration", DurationParser.Format(_settings.LeaseDuration),
        };
        if (_settings.TableName is { } table)
        {
            arguments.Add("--table");
            arguments.Add(table);
        }

        var startInfo = CandidateLauncher.CreateStartInfo(arguments);
        // Through the environment, not argv: command lines are visible to every local user.
        startInfo.Environment[DrillCandidateCommand.ConnectionVariable] = _settings.ConnectionString;
        var candidate = CandidateProcess.Start(name, startInfo, _events.Writer);
        _candidates.Add(candidate);
        Log(name, $"started (pid {candidate.Pid})");
    }

    private async Task StopAllAsync()
    {
        var running = _candidates.Where(c => !c.HasExited).ToList();
        foreach (var candidate in running)
        {
            candidate.Stopping = true;
            SignalAndLog(candidate, Signals.Terminate, "end of drill");
        }

        var deadline = TimeSpan.FromSeconds(10) + _settings.LeaseDuration;
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            while (running.Any(c => !Exited(c.Name)))
            {
                await ReadOneAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            foreach (var candidate in running.Where(c => !Exited(c.Name)))
            {
                Log(candidate.Name, "did not stop in time; killed");
                candidate.Dispose();
            }
        }
    }

    private bool Exited(string candidate) => _history.Any(e => e.Name == CandidateEventNames.Exited && e.Candidate == candidate);

    private async Task PrepareDatabaseAsync(CancellationToken cancellationToken)
    {
        // The lease table first (so candidates do not race to create it), then a fresh drill log for this lease.
        var store = StoreFactory.CreateStore(_settings.Provider, _settings.ConnectionString, _settings.TableName);
        await using (store.ConfigureAwait(false))
        {
            await store.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        }

        var connection = await StoreFactory.OpenAsync(_settings.Provider, _settings.ConnectionString, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await ExecuteAsync(connection, _sql.Create, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, _sql.DeleteRun, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<WriteLogAnalysis> AnalyzeAsync(CancellationToken cancellationToken)
    {
        var rows = new List<(long, string, long)>();
        var connection = await StoreFactory.OpenAsync(_settings.Provider, _settings.ConnectionString, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = CreateCommand(connection, _sql.SelectRun);
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2)));
                    }
                }
            }
        }

        return WriteLogAnalysis.Analyze(rows);
    }

    private async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        var command = CreateCommand(connection, sql);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Statements are DrillSql constants; every value is a parameter.")]
    private DbCommand CreateCommand(DbConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        var lease = command.CreateParameter();
        lease.ParameterName = "@lease";
        lease.Value = _settings.LeaseName;
        command.Parameters.Add(lease);
        return command;
    }

    /// <summary>Returns the first event since <paramref name="fromIndex"/> that matches, reading more as needed.</summary>
    private async Task<DrillEvent> WaitForAsync(Func<DrillEvent, bool> match, int fromIndex, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        for (var i = fromIndex; i < _history.Count; i++)
        {
            if (match(_history[i]))
            {
                return _history[i];
            }
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var next = await ReadOneAsync(deadline.Token).ConfigureAwait(false);
                if (match(next))
                {
                    return next;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ToolException(ExitCodes.DrillFailed, string.Create(CultureInfo.InvariantCulture, $"Drill failed: no {what} within {timeout.TotalSeconds:0.#} s."));
        }
    }

    /// <summary>Processes events for <paramref name="duration"/> (the timeline stays live while the drill waits).</summary>
    private async Task DrainAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(duration);
        try
        {
            while (true)
            {
                await ReadOneAsync(deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The time is up.
        }
    }

    private async Task<DrillEvent> ReadOneAsync(CancellationToken cancellationToken)
    {
        var next = await _events.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        Record(next);
        return next;
    }

    private void Record(DrillEvent e)
    {
        _history.Add(e);
        var candidate = _candidates.FirstOrDefault(c => c.Name == e.Candidate);
        switch (e.Name)
        {
            case CandidateEventNames.Leading:
                Log(e, $"leading at epoch {e.Epoch}");
                break;
            case CandidateEventNames.FirstWrite:
                if (_leader is not { } leader || e.Epoch > leader.Epoch)
                {
                    _leader = (e.Candidate, e.Epoch);
                }

                Log(e, $"first fenced write at epoch {e.Epoch}");
                break;
            case CandidateEventNames.Stopped:
                Log(e, $"stopped leading epoch {e.Epoch} ({e.Kind})");
                break;
            case CandidateEventNames.InFlightStarted:
                Log(e, $"write in flight under epoch {e.Epoch}");
                break;
            case CandidateEventNames.InFlightWrite:
                Log(e, $"in-flight write under epoch {e.Epoch}: {(e.Outcome == StaleWriteOutcomes.Rejected ? "NOT COMMITTED" : "COMMITTED")}");
                break;
            case CandidateEventNames.StaleWrite:
                Log(e, $"stale write with epoch {e.Epoch} token: {e.Outcome?.ToUpperInvariant()}");
                break;
            case CandidateEventNames.Exited:
                Log(e, $"exited with code {e.ExitCode}");
                if (candidate is { Stopping: false })
                {
                    var tail = Secrets.Redact(candidate.StderrTail, _settings.ConnectionString);
                    throw new ToolException(ExitCodes.DrillFailed, $"Drill failed: {e.Candidate} exited unexpectedly with code {e.ExitCode}: {(tail.Length > 0 ? tail : "(no output)")}");
                }

                break;
        }
    }

    private void SignalAndLog(CandidateProcess candidate, int signal, string why)
    {
        Log(candidate.Name, $"{Signals.Name(signal)} (pid {candidate.Pid}): {why}");
        candidate.Signal(signal);
    }

    private void Log(DrillEvent e, string what) => Add(new TimelineEntry(Since(e.TimeNs), e.Candidate, what));

    private void Log(string candidate, string what) => Add(new TimelineEntry(Since(MonotonicClock.NowNanoseconds()), candidate, what));

    private void Add(TimelineEntry entry)
    {
        _timeline.Add(entry);
        if (_settings.Format == OutputFormat.Text)
        {
            DrillReport.WriteTimelineEntry(entry);
        }
    }

    private TimeSpan Since(long ns) => TimeSpan.FromTicks((ns - _startNs) / 100);

    private void KillAll(object? sender, EventArgs e)
    {
        foreach (var candidate in _candidates)
        {
            candidate.Dispose();
        }
    }
}
