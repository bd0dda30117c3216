namespace Corda.HighAvailability.Checkpoints.Rules.BuiltIn;

/// <summary>
/// A FAILED flow has its exception row: add/updateCheckpoint write it with the status (DBCheckpointStorage.kt l.394-400, l.463-469) and
/// reattaching reads it with getFlowException(throwIfMissing = true). A KILLED row is kept only with a client id, and
/// both kill paths write a KilledFlowException row with the status (KilledFlowTransition.kt l.56-62,
/// SingleThreadedStateMachineManager.kt l.476-482), so it must have one too. HOSPITALIZED may legitimately lack one.
/// </summary>
internal sealed class FailedWithoutExceptionRule : ICheckpointRule
{
    public string Id => CheckpointFindingCodes.RowFailedWithoutException;

    public void Evaluate(CheckpointFlow flow, ICollection<Finding> findings)
    {
        if (flow.KnownStatus is CheckpointFlowStatus.Failed or CheckpointFlowStatus.Killed && !flow.HasExceptionRow)
        {
            findings.Add(new Finding(Id, FindingSeverity.Error, flow.FlowId, CheckpointTables.FlowExceptions,
                $"A {flow.KnownStatus.Value.ToString().ToUpperInvariant()} flow has no node_flow_exceptions row; Corda writes it in the same transaction as the status."));
        }
    }
}
