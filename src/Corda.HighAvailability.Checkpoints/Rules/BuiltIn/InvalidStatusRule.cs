namespace Corda.HighAvailability.Checkpoints.Rules.BuiltIn;

/// <summary>
/// <c>status</c> is the JPA ordinal of Checkpoint.FlowStatus, 0..5 (StateMachineState.kt l.104-111); any other value
/// cannot be mapped back to an enum constant when Hibernate loads the row.
/// </summary>
internal sealed class InvalidStatusRule : ICheckpointRule
{
    public string Id => CheckpointFindingCodes.RowInvalidStatus;

    public void Evaluate(CheckpointFlow flow, ICollection<Finding> findings)
    {
        if (flow.HasCheckpointRow && flow.KnownStatus is null)
        {
            findings.Add(new Finding(Id, FindingSeverity.Error, flow.FlowId, CheckpointTables.Checkpoints,
                $"status {flow.Status} is not a Checkpoint.FlowStatus ordinal (RUNNABLE=0, FAILED=1, COMPLETED=2, HOSPITALIZED=3, KILLED=4, PAUSED=5)."));
        }
    }
}
