namespace Corda.HighAvailability.Checkpoints.Rules.BuiltIn;

/// <summary>
/// A checkpoint without its blob row cannot be loaded or verified: DBCheckpointStorage.toSerializedCheckpoint
/// dereferences <c>blob!!</c> (DBCheckpointStorage.kt l.722-736), and removeCheckpoint deletes both rows together (l.503-514).
/// </summary>
internal sealed class MissingBlobRule : ICheckpointRule
{
    public string Id => CheckpointFindingCodes.RowMissingBlob;

    public void Evaluate(CheckpointFlow flow, ICollection<Finding> findings)
    {
        if (flow.HasCheckpointRow && !flow.HasBlobRow)
        {
            findings.Add(new Finding(Id, FindingSeverity.Error, flow.FlowId, CheckpointTables.CheckpointBlobs,
                "The node_checkpoints row has no node_checkpoint_blobs row; Corda dereferences blob!! when it loads the checkpoint."));
        }
    }
}
