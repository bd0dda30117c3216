using System.Data.Common;
using Corda.HighAvailability.Checkpoints.Blobs;
using Corda.HighAvailability.Checkpoints.Reading.Rows;

namespace Corda.HighAvailability.Checkpoints.Reading.Tables;

/// <summary><c>node_checkpoint_blobs</c>: the two Kryo blobs of a flow.</summary>
internal sealed class CheckpointBlobsTable : TableDescription<CheckpointBlobsRow>
{
    public CheckpointBlobsTable()
        : base(CheckpointTables.CheckpointBlobs, TableDescriptions.FlowIdColumn)
    {
        CheckpointValue = Blob("checkpoint_value", BlobKind.Kryo);
        FlowState = Blob("flow_state", BlobKind.Kryo);
    }

    /// <summary>The serialized <c>CheckpointState</c>; NOT NULL.</summary>
    public BlobColumn CheckpointValue { get; }

    /// <summary>The serialized <c>FlowState</c> (the frozen fiber); NULL once the flow has finished.</summary>
    public BlobColumn FlowState { get; }

    public override async ValueTask<CheckpointBlobsRow> ReadRowAsync(DbDataReader reader, BlobColumnReader blobs, CancellationToken cancellationToken)
    {
        var flowId = ReadKey(reader);
        var checkpointValue = await blobs.ReadAsync(reader, CheckpointValue, cancellationToken).ConfigureAwait(false);
        try
        {
            // flow_state's presence matters to the rules even when blob checks are off.
            var flowState = await blobs.ReadAsync(reader, FlowState, cancellationToken).ConfigureAwait(false);
            return new CheckpointBlobsRow(flowId, checkpointValue, flowState);
        }
        catch
        {
            checkpointValue?.Dispose();
            throw;
        }
    }
}
