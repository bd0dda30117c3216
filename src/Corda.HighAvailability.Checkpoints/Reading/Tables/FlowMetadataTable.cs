using System.Data.Common;
using Corda.HighAvailability.Checkpoints.Blobs;
using Corda.HighAvailability.Checkpoints.Reading.Rows;

namespace Corda.HighAvailability.Checkpoints.Reading.Tables;

/// <summary><c>node_flow_metadata</c>: only what the checks need, whether the flow finished and its parameters.</summary>
internal sealed class FlowMetadataTable : TableDescription<FlowMetadataRow>
{
    public FlowMetadataTable()
        : base(CheckpointTables.FlowMetadata, TableDescriptions.FlowIdColumn)
    {
        FinishTime = Column("finish_time");
        FlowParameters = Blob("flow_parameters", BlobKind.Amqp);
    }

    /// <summary>Set together with a finished status; only its presence is read.</summary>
    public TableColumn FinishTime { get; }

    /// <summary>The AMQP-serialized flow arguments; NOT NULL.</summary>
    public BlobColumn FlowParameters { get; }

    public override async ValueTask<FlowMetadataRow> ReadRowAsync(DbDataReader reader, BlobColumnReader blobs, CancellationToken cancellationToken)
    {
        var flowId = ReadKey(reader);
        var finished = !await reader.IsDBNullAsync(FinishTime.Ordinal, cancellationToken).ConfigureAwait(false);
        var parameters = await blobs.ReadAsync(reader, FlowParameters, cancellationToken).ConfigureAwait(false);
        return new FlowMetadataRow(flowId, finished, parameters);
    }
}
