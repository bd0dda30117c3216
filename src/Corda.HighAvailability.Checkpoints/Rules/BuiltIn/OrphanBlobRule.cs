namespace Corda.HighAvailability.Checkpoints.Rules.BuiltIn;

/// <summary>
/// A blob row without its checkpoint row is unreachable: Corda reads blobs only through node_checkpoints, and
/// removeCheckpoint deletes the rows of all five tables together (DBCheckpointStorage.kt l.503-514). Harmless to the node, but a
/// sign of a partial delete or restore, hence a warning.
/// </summary>
internal sealed class OrphanBlobRule : ICheckpointRule
{
    public string Id => CheckpointFindingCodes.RowOrphanBlob;

    public void Evaluate(CheckpointFlow flow, ICollection<Finding> findings)
    {
        if (flow.HasBlobRow && !flow.HasCheckpointRow)
        {
            findings.Add(new Finding(Id, FindingSeverity.Warning, flow.FlowId, CheckpointTables.CheckpointBlobs,
                "The node_checkpoint_blobs row has no node_checkpoints row: it is unreachable (removeCheckpoint deletes both)."));
        }
    }
}
