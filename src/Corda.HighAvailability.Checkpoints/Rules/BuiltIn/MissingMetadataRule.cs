namespace Corda.HighAvailability.Checkpoints.Rules.BuiltIn;

/// <summary>
/// Every checkpoint has its metadata row: addCheckpoint writes node_flow_metadata with the first checkpoint, the
/// entity joins them one-to-one on flow_id (DBCheckpointStorage.kt l.115-150, l.640-656), and only removeCheckpoint deletes it, together
/// with the checkpoint.
/// </summary>
internal sealed class MissingMetadataRule : ICheckpointRule
{
    public string Id => CheckpointFindingCodes.RowMissingMetadata;

    public void Evaluate(CheckpointFlow flow, ICollection<Finding> findings)
    {
        if (flow.HasCheckpointRow && !flow.HasMetadataRow)
        {
            findings.Add(new Finding(Id, FindingSeverity.Error, flow.FlowId, CheckpointTables.FlowMetadata,
                "The node_checkpoints row has no node_flow_metadata row; addCheckpoint writes both in one transaction."));
        }
    }
}
