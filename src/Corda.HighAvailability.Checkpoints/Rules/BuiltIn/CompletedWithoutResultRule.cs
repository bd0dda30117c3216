namespace Corda.HighAvailability.Checkpoints.Rules.BuiltIn;

/// <summary>
/// updateCheckpoint writes the result row when a flow COMPLETES (DBCheckpointStorage.kt l.453-461, l.487; result_value itself may be
/// NULL for a null result). Reattaching to the client id then calls getFlowResult(throwIfMissing = true): "Flow's id
/// result was not found in the database. Something is very wrong." (DBCheckpointStorage.kt l.594-601).
/// </summary>
internal sealed class CompletedWithoutResultRule : ICheckpointRule
{
    public string Id => CheckpointFindingCodes.RowCompletedWithoutResult;

    public void Evaluate(CheckpointFlow flow, ICollection<Finding> findings)
    {
        if (flow.KnownStatus == CheckpointFlowStatus.Completed && !flow.HasResultRow)
        {
            findings.Add(new Finding(Id, FindingSeverity.Error, flow.FlowId, CheckpointTables.FlowResults,
                "A COMPLETED flow has no node_flow_results row; a client reattaching by client id gets 'result was not found in the database'."));
        }
    }
}
