namespace Corda.HighAvailability.Tool.Drill;

/// <summary>Everything a drill measured; rendered by <see cref="DrillReport"/>.</summary>
internal sealed record DrillResult(
    DrillSettings Settings,
    IReadOnlyList<Failover> Failovers,
    WriteLogAnalysis Writes,
    int StaleWritesRejected,
    int StaleWritesAccepted,
    int StaleWriteErrors,
    int InFlightWritesRejected,
    int InFlightWritesAccepted,
    TimeSpan Elapsed,
    IReadOnlyList<TimelineEntry> Timeline)
{
    public bool Safe => Writes.Overlaps == 0 && StaleWritesAccepted == 0 && InFlightWritesAccepted == 0;
}

/// <summary>One line of the drill's timeline, at a monotonic time since the drill started.</summary>
internal sealed record TimelineEntry(TimeSpan At, string Candidate, string What);
