namespace Corda.HighAvailability.Checkpoints;

/// <summary>Names of Corda's checkpoint tables and the columns the verifier reads (Corda 4.6+ changelog v19; before 4.6 only <see cref="Checkpoints"/>).</summary>
public static class CheckpointTables
{
    /// <summary><c>node_checkpoints</c>: one row per flow (4.6+: status; before 4.6: the checkpoint blob itself).</summary>
    public const string Checkpoints = "node_checkpoints";

    /// <summary><c>node_checkpoint_blobs</c>: the Kryo <c>checkpoint_value</c> and <c>flow_state</c> blobs.</summary>
    public const string CheckpointBlobs = "node_checkpoint_blobs";

    /// <summary><c>node_flow_metadata</c>: how and when the flow started, and <c>finish_time</c>.</summary>
    public const string FlowMetadata = "node_flow_metadata";

    /// <summary><c>node_flow_results</c>: the AMQP result of a COMPLETED flow.</summary>
    public const string FlowResults = "node_flow_results";

    /// <summary><c>node_flow_exceptions</c>: the exception of a FAILED, HOSPITALIZED or KILLED flow.</summary>
    public const string FlowExceptions = "node_flow_exceptions";
}
