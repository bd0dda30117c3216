using Corda.HighAvailability.Checkpoints.Rules;

namespace Corda.HighAvailability.Checkpoints.Flows;

/// <summary>Flow counts by status and the age of the oldest flow of each, from one grouped query.</summary>
public sealed class FlowHospitalSummary
{
    /// <summary>Every <c>node_checkpoints</c> row, whatever its status.</summary>
    public long Total { get; init; }

    /// <summary>One entry for each of Corda's six statuses, zero counts included.</summary>
    public required IReadOnlyDictionary<CheckpointFlowStatus, FlowStatusSummary> ByStatus { get; init; }

    /// <summary>Rows whose status is NULL or a number Corda does not define (a damaged or hand-edited table).</summary>
    public long Unrecognized { get; init; }

    /// <summary>The reader's clock when the summary was read; the ages are measured to it.</summary>
    public DateTimeOffset AsOf { get; init; }

    /// <summary>The count for <paramref name="status"/>.</summary>
    /// <param name="status">The status.</param>
    /// <returns>The number of flows in it.</returns>
    public long CountOf(CheckpointFlowStatus status) => ByStatus.TryGetValue(status, out var summary) ? summary.Count : 0;
}
