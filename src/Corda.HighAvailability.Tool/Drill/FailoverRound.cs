using Corda.HighAvailability.Tool.Cli;

namespace Corda.HighAvailability.Tool.Drill;

/// <summary>
/// The drill's rounds: which way the leader goes down in each, and one take-down measured from the signal to the new
/// leader's first committed fenced write.
/// </summary>
internal sealed class FailoverRound
{
    private readonly DrillSettings _settings;
    private readonly DrillEventLog _events;
    private readonly DrillCandidates _candidates;
    private readonly TimeSpan _bound;

    public FailoverRound(DrillSettings settings, DrillEventLog events, DrillCandidates candidates)
    {
        _settings = settings;
        _events = events;
        _candidates = candidates;
        _bound = DrillTimings.WaitBound(settings.LeaseDuration);
    }

    /// <summary>Crashes, with the second round a graceful stop, then one pause round.</summary>
    public static IEnumerable<FailoverKind> Plan(int kills)
    {
        for (var i = 1; i <= kills; i++)
        {
            yield return i == 2 ? FailoverKind.Graceful : FailoverKind.Crash;
        }

        yield return FailoverKind.Pause;
    }

    public async Task<Failover> RunAsync(int round, FailoverKind kind, CancellationToken cancellationToken)
    {
        var (name, epoch) = _events.Leader ?? throw new ToolException(ExitCodes.DrillFailed, "No leader to take down.");
        var old = _candidates.Get(name);
        var from = _events.History.Count;
        var signalNs = MonotonicClock.NowNanoseconds();
        switch (kind)
        {
            case FailoverKind.Crash:
                old.Stopping = true;
                _candidates.SignalAndLog(old, Signals.Kill, $"leader at epoch {epoch}");
                break;
            case FailoverKind.Graceful:
                old.Stopping = true;
                _candidates.SignalAndLog(old, Signals.Terminate, $"leader at epoch {epoch}");
                break;
            default:
                // A write in flight across the takeover: started (inserted, not yet checked) before the pause,
                // resumed after a standby took over. It must not commit.
                old.Send(DrillWriterService.StallCommand);
                await _events.WaitForAsync(e => e.Name == CandidateEventNames.InFlightStarted && e.Candidate == name && e.Epoch == epoch, from, _bound, $"in-flight write of {name}", cancellationToken).ConfigureAwait(false);
                _candidates.SignalAndLog(old, Signals.Stop, $"leader at epoch {epoch}, paused for 1.5 x lease with a write in flight");
                await _events.DrainAsync(_settings.LeaseDuration * 1.5, cancellationToken).ConfigureAwait(false);
                _candidates.SignalAndLog(old, Signals.Continue, "resumed");
                break;
        }

        var next = await _events.WaitForAsync(
            e => e.Name == CandidateEventNames.FirstWrite && e.Epoch > epoch && e.Candidate != name,
            from,
            _bound,
            $"new leader after the {Failover.KindName(kind)} of {name}",
            cancellationToken).ConfigureAwait(false);

        if (kind == FailoverKind.Pause)
        {
            // The resumed process must not commit its in-flight write, must find its grant gone and its write fenced;
            // then it is retired.
            await _events.WaitForAsync(e => e.Name == CandidateEventNames.InFlightWrite && e.Candidate == name && e.Epoch == epoch, from, _bound, $"in-flight write outcome of resumed {name}", cancellationToken).ConfigureAwait(false);
            await _events.WaitForAsync(e => e.Name == CandidateEventNames.StaleWrite && e.Candidate == name && e.Epoch == epoch, from, _bound, $"stale write of resumed {name}", cancellationToken).ConfigureAwait(false);
            old.Stopping = true;
            _candidates.SignalAndLog(old, Signals.Terminate, "retired after the pause");
        }

        if (kind != FailoverKind.Crash)
        {
            await _events.WaitForAsync(e => e.Name == CandidateEventNames.Exited && e.Candidate == name, from, _bound, $"exit of {name}", cancellationToken).ConfigureAwait(false);
        }

        return new Failover(round, kind, (next.TimeNs - signalNs) / 1e6, name, epoch, next.Candidate, next.Epoch);
    }
}
