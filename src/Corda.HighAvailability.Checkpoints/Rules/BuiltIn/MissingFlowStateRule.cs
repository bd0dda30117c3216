namespace Corda.HighAvailability.Checkpoints.Rules.BuiltIn;

/// <summary>
/// RUNNABLE, HOSPITALIZED and PAUSED flows need their frozen fiber: Checkpoint.Serialized.getFlowState dereferences
/// <c>serializedFlowState!!</c> for every status but PAUSED/COMPLETED/FAILED, and a PAUSED flow is resumed as RUNNABLE
/// (StateMachineState.kt l.249-264, FlowCreator.kt l.71-76). Only FlowState.Finished (COMPLETED) and the FAILED update
/// write NULL (ActionExecutorImpl.kt l.86-101, DBCheckpointStorage.kt l.435-442); KILLED has no rule
/// (docs/corda-checkpoints.md#which-statuses-keep-a-flow-state).
/// </summary>
internal sealed class MissingFlowStateRule : ICheckpointRule
{
    public string Id => CheckpointFindingCodes.RowMissingFlowState;

    public void Evaluate(CheckpointFlow flow, ICollection<Finding> findings)
    {
        if (flow.HasBlobRow && !flow.HasFlowState
            && flow.KnownStatus is CheckpointFlowStatus.Runnable or CheckpointFlowStatus.Hospitalized or CheckpointFlowStatus.Paused)
        {
            findings.Add(new Finding(Id, FindingSeverity.Error, flow.FlowId, CheckpointTables.CheckpointBlobs,
                $"A {flow.KnownStatus.Value.ToString().ToUpperInvariant()} flow has a NULL flow_state: the node cannot resume it."));
        }
    }
}
