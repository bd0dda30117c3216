using Corda.HighAvailability.Checkpoints.Rules;

namespace Corda.HighAvailability.Checkpoints.Flows;

/// <summary>Which flows <see cref="IFlowHospitalReader.ReadFlowsAsync"/> returns. Every filter becomes a bound parameter.</summary>
public sealed class FlowQuery
{
    /// <summary>The statuses wanted; empty for all (including numbers Corda does not define).</summary>
    public ISet<CheckpointFlowStatus> Statuses { get; } = new HashSet<CheckpointFlowStatus>();

    /// <summary>Only flows whose age (see <see cref="FlowRecord.Age"/>) is more than this; <see langword="null"/> for any age.</summary>
    public TimeSpan? OlderThan { get; set; }

    /// <summary>The most flows returned, oldest first; <see langword="null"/> for all of them (they are streamed, one row in memory at a time).</summary>
    public int? Limit { get; set; }
}
