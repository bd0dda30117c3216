namespace Corda.HighAvailability.Checkpoints.Flows;

/// <summary>How many flows have one status, and the oldest of them.</summary>
public sealed class FlowStatusSummary
{
    /// <summary>The number of flows.</summary>
    public long Count { get; init; }

    /// <summary>The earliest start (or last checkpoint time, without metadata) among them; <see langword="null"/> when there are none.</summary>
    public DateTimeOffset? OldestStart { get; init; }

    /// <summary>The age of the oldest of them at <see cref="FlowHospitalSummary.AsOf"/>; <see langword="null"/> when there are none.</summary>
    public TimeSpan? OldestAge { get; init; }
}
