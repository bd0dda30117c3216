using Corda.HighAvailability.Checkpoints.Blobs;

namespace Corda.HighAvailability.Checkpoints.Reading.Tables;

/// <summary>
/// Corda's checkpoint tables as the verifier reads them, each described once (docs/corda-checkpoints.md#tables-and-columns).
/// Only the columns the checks need are read; Corda's tables have more.
/// </summary>
internal static class TableDescriptions
{
    /// <summary>The key of every Corda 4.6+ checkpoint table: the flow's <c>StateMachineRunId</c> as a UUID string.</summary>
    public const string FlowIdColumn = "flow_id";

    public static CheckpointsTable Checkpoints { get; } = new();

    public static CheckpointBlobsTable CheckpointBlobs { get; } = new();

    public static FlowMetadataTable FlowMetadata { get; } = new();

    /// <summary><c>node_flow_results</c>: the AMQP result of a COMPLETED flow (NULL when the flow returned null).</summary>
    public static SingleBlobTable FlowResults { get; } = new(CheckpointTables.FlowResults, FlowIdColumn, "result_value", BlobKind.Amqp);

    /// <summary><c>node_flow_exceptions</c>: the AMQP exception of a FAILED, KILLED or HOSPITALIZED flow.</summary>
    public static SingleBlobTable FlowExceptions { get; } = new(CheckpointTables.FlowExceptions, FlowIdColumn, "exception_value", BlobKind.Amqp);

    /// <summary><c>node_checkpoints</c> before Corda 4.6: <c>checkpoint_id</c> and the whole Kryo checkpoint.</summary>
    public static SingleBlobTable LegacyCheckpoints { get; } = new(CheckpointTables.Checkpoints, "checkpoint_id", "checkpoint_value", BlobKind.Kryo);

    /// <summary>The five tables of the Corda 4.6+ schema, in the order they are merged.</summary>
    public static IReadOnlyList<TableDescription> Corda46 { get; } = [Checkpoints, CheckpointBlobs, FlowMetadata, FlowResults, FlowExceptions];
}
