using System.Globalization;
using System.Threading.Channels;
using Corda.HighAvailability.Tool.Cli;

namespace Corda.HighAvailability.Tool.Drill;

/// <summary>
/// What the drill has heard from its candidates: every event in arrival order, the timeline (printed as it grows in
/// text mode) and the current leader. Events are read only while the drill waits, so the timeline stays live; every
/// wait is bounded. A candidate exiting that was not being stopped ends the drill.
/// </summary>
internal sealed class DrillEventLog
{
    private readonly DrillSettings _settings;
    private readonly Func<string, CandidateProcess?> _candidate;
    private readonly Channel<DrillEvent> _events = Channel.CreateUnbounded<DrillEvent>();
    private readonly List<DrillEvent> _history = [];
    private readonly List<TimelineEntry> _timeline = [];
    private readonly long _startNs = MonotonicClock.NowNanoseconds();

    /// <param name="settings">The drill's settings (output format; the connection string to keep out of messages).</param>
    /// <param name="candidate">Finds a candidate by name, to tell a deliberate stop from an unexpected exit.</param>
    public DrillEventLog(DrillSettings settings, Func<string, CandidateProcess?> candidate)
    {
        _settings = settings;
        _candidate = candidate;
    }

    /// <summary>Where the candidates' processes report their events.</summary>
    public ChannelWriter<DrillEvent> Writer => _events.Writer;

    /// <summary>Every event read so far; an index into it marks "since" for <see cref="WaitForAsync"/>.</summary>
    public IReadOnlyList<DrillEvent> History => _history;

    public IReadOnlyList<TimelineEntry> Timeline => _timeline;

    /// <summary>The candidate whose first fenced write carried the highest epoch so far.</summary>
    public (string Candidate, long Epoch)? Leader { get; private set; }

    /// <summary>Time since the drill started, on the monotonic clock.</summary>
    public TimeSpan Elapsed => Since(MonotonicClock.NowNanoseconds());

    public bool Exited(string candidate) => _history.Any(e => e.Name == CandidateEventNames.Exited && e.Candidate == candidate);

    /// <summary>Returns the first event since <paramref name="fromIndex"/> that matches, reading more as needed.</summary>
    public async Task<DrillEvent> WaitForAsync(Func<DrillEvent, bool> match, int fromIndex, TimeSpan timeout, string what, CancellationToken cancellationToken)
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
    public async Task DrainAsync(TimeSpan duration, CancellationToken cancellationToken)
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

    public async Task<DrillEvent> ReadOneAsync(CancellationToken cancellationToken)
    {
        var next = await _events.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        Record(next);
        return next;
    }

    /// <summary>Adds a line of the orchestrator's own (a start, a signal) to the timeline, timed now.</summary>
    public void Log(string candidate, string what) => Add(new TimelineEntry(Since(MonotonicClock.NowNanoseconds()), candidate, what));

    private void Record(DrillEvent e)
    {
        _history.Add(e);
        var candidate = _candidate(e.Candidate);
        switch (e.Name)
        {
            case CandidateEventNames.Leading:
                Log(e, $"leading at epoch {e.Epoch}");
                break;
            case CandidateEventNames.FirstWrite:
                if (Leader is not { } leader || e.Epoch > leader.Epoch)
                {
                    Leader = (e.Candidate, e.Epoch);
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

    private void Log(DrillEvent e, string what) => Add(new TimelineEntry(Since(e.TimeNs), e.Candidate, what));

    private void Add(TimelineEntry entry)
    {
        _timeline.Add(entry);
        if (_settings.Format == OutputFormat.Text)
        {
            DrillReport.WriteTimelineEntry(entry);
        }
    }

    private TimeSpan Since(long ns) => TimeSpan.FromTicks((ns - _startNs) / 100);
}
