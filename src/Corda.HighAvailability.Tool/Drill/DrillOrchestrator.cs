using Corda.HighAvailability.Tool.Cli;

namespace Corda.HighAvailability.Tool.Drill;

/// <summary>
/// Runs the drill: starts candidate processes, takes the leader down round after round (SIGKILL, SIGTERM, and one
/// SIGSTOP/SIGCONT pause, see <see cref="FailoverRound"/>), measures each failover, keeps the number of candidates up,
/// and finally checks the write log for overlaps (<see cref="DrillWriteLog"/>). Every wait is bounded; disposing it
/// kills every child still running.
/// </summary>
internal sealed class DrillOrchestrator : IAsyncDisposable
{
    private readonly DrillSettings _settings;
    private readonly DrillEventLog _events;
    private readonly DrillCandidates _candidates;
    private readonly DrillWriteLog _writeLog;
    private readonly FailoverRound _rounds;
    private readonly TimeSpan _bound;

    public DrillOrchestrator(DrillSettings settings)
    {
        _settings = settings;
        _bound = DrillTimings.WaitBound(settings.LeaseDuration);
        _writeLog = new DrillWriteLog(settings);
        // Each needs the other: the log asks the candidates whether an exit was expected, the candidates report
        // through the log. The log reads nothing before RunAsync, by when both exist.
        DrillCandidates? candidates = null;
        _events = new DrillEventLog(settings, name => candidates?.Find(name));
        _candidates = candidates = new DrillCandidates(settings, _events);
        _rounds = new FailoverRound(settings, _events, _candidates);
        AppDomain.CurrentDomain.ProcessExit += KillAll;
    }

    public async Task<DrillResult> RunAsync(CancellationToken cancellationToken)
    {
        if (_settings.Format == OutputFormat.Text)
        {
            DrillReport.WriteHeader(_settings);
        }

        await _writeLog.PrepareAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < _settings.Candidates; i++)
        {
            _candidates.Start();
        }

        // Process start-up (runtime, JIT, schema) comes on top of the election, hence the extra allowance.
        await _events.WaitForAsync(e => e.Name == CandidateEventNames.FirstWrite, 0, _bound + TimeSpan.FromSeconds(20), "first leader", cancellationToken).ConfigureAwait(false);

        var failovers = new List<Failover>();
        var plan = FailoverRound.Plan(_settings.Kills).ToList();
        for (var round = 1; round <= plan.Count; round++)
        {
            // Let the leader lead for about one lease duration, so it has renewed and written before it goes down.
            await _events.DrainAsync(_settings.LeaseDuration, cancellationToken).ConfigureAwait(false);
            failovers.Add(await _rounds.RunAsync(round, plan[round - 1], cancellationToken).ConfigureAwait(false));
            if (round < plan.Count)
            {
                // Keep N candidates alive for the next round.
                _candidates.Start();
            }
        }

        await _candidates.StopAllAsync().ConfigureAwait(false);
        var writes = await _writeLog.AnalyzeAsync(cancellationToken).ConfigureAwait(false);
        var history = _events.History;
        return new DrillResult(
            _settings,
            failovers,
            writes,
            StaleWriteClassification.Classify(history),
            history.Count(e => e.Name == CandidateEventNames.InFlightWrite && e.Outcome == StaleWriteOutcomes.Rejected),
            history.Count(e => e.Name == CandidateEventNames.InFlightWrite && e.Outcome == StaleWriteOutcomes.Accepted),
            _events.Elapsed,
            _events.Timeline);
    }

    public ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillAll;
        KillAll(null, EventArgs.Empty);
        return ValueTask.CompletedTask;
    }

    private void KillAll(object? sender, EventArgs e) => _candidates.Dispose();
}
