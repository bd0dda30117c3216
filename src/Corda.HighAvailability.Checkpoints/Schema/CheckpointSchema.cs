namespace Corda.HighAvailability.Checkpoints.Schema;

/// <summary>The checkpoint schema a database holds, detected from its columns.</summary>
public enum CheckpointSchema
{
    /// <summary>Before Corda 4.6: <c>node_checkpoints(checkpoint_id, checkpoint_value)</c> only; blobs are checked, there are no cross-table rules.</summary>
    Corda45OrEarlier = 1,

    /// <summary>Corda 4.6 and later (changelog v19): the five tables keyed by <c>flow_id</c>; blobs and cross-table rules are checked.</summary>
    Corda46OrLater = 2,
}
