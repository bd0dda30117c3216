namespace Corda.HighAvailability.Tool.Drill;

/// <summary>Everything a drill measured; rendered by <see cref="DrillReport"/>.</summary>
internal sealed record DrillResult(
    DrillSettings Settings,
    IReadOnlyList<Failover> Failovers,
    WriteLogAnalysis Writes,
    IReadOnlyList<StaleWriteVerdict> StaleWrites,
    int InFlightWritesRejected,
    int InFlightWritesAccepted,
    TimeSpan Elapsed,
    IReadOnlyList<TimelineEntry> Timeline)
{
    public int StaleWritesRejected => Count(StaleWriteOutcomes.Rejected);

    public int StaleWritesAccepted => Count(StaleWriteOutcomes.Accepted);

    public int StaleWriteErrors => Count(StaleWriteOutcomes.Error);

    /// <summary>Stale writes whose grant was never superseded: they had nothing to be refused by (see <see cref="StaleWriteClassification"/>).</summary>
    public int StaleWritesNotApplicable => Count(StaleWriteOutcomes.NotApplicable);

    public bool Safe => Writes.Overlaps == 0 && StaleWritesAccepted == 0 && InFlightWritesAccepted == 0;

    private int Count(string outcome) => StaleWrites.Count(w => w.Outcome == outcome);
}

/// <summary>One line of the drill's timeline, at a monotonic time since the drill started.</summary>
internal sealed record TimelineEntry(TimeSpan At, string Candidate, string What);
