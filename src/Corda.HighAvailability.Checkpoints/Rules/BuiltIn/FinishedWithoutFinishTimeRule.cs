namespace Corda.HighAvailability.Checkpoints.Rules.BuiltIn;

/// <summary>
/// finish_time is written only by updateCheckpoint when the checkpoint is finished, in the same transaction as the
/// status (DBCheckpointStorage.kt l.489-491, l.692-698). COMPLETED and FAILED reach it; KILLED never does (its kill paths only call
/// updateStatus), so a KILLED row without finish_time is clean (docs/corda-checkpoints.md#when-finish-time-is-set).
/// </summary>
internal sealed class FinishedWithoutFinishTimeRule : ICheckpointRule
{
    public string Id => CheckpointFindingCodes.RowFinishedWithoutFinishTime;

    public void Evaluate(CheckpointFlow flow, ICollection<Finding> findings)
    {
        if (flow.HasMetadataRow && !flow.HasFinishTime
            && flow.KnownStatus is CheckpointFlowStatus.Completed or CheckpointFlowStatus.Failed)
        {
            findings.Add(new Finding(Id, FindingSeverity.Error, flow.FlowId, CheckpointTables.FlowMetadata,
                $"A {flow.KnownStatus.Value.ToString().ToUpperInvariant()} flow has no finish_time; updateCheckpoint sets both in one transaction, so the rows are torn."));
        }
    }
}
