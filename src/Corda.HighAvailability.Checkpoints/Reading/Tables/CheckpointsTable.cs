using System.Data.Common;
using System.Globalization;
using Corda.HighAvailability.Checkpoints.Reading.Rows;

namespace Corda.HighAvailability.Checkpoints.Reading.Tables;

/// <summary><c>node_checkpoints</c> as Corda 4.6+ creates it: one row per flow with its status.</summary>
internal sealed class CheckpointsTable : TableDescription<CheckpointRow>
{
    public CheckpointsTable()
        : base(CheckpointTables.Checkpoints, TableDescriptions.FlowIdColumn)
    {
        Status = Column("status");
    }

    /// <summary>The JPA ordinal of <c>Checkpoint.FlowStatus</c>.</summary>
    public TableColumn Status { get; }

    public override async ValueTask<CheckpointRow> ReadRowAsync(DbDataReader reader, BlobColumnReader blobs, CancellationToken cancellationToken)
    {
        var flowId = ReadKey(reader);

        // INTEGER on every database, but drivers differ in the CLR type they return for it.
        var status = await reader.GetFieldValueAsync<object>(Status.Ordinal, cancellationToken).ConfigureAwait(false);
        return new CheckpointRow(flowId, Convert.ToInt32(status, CultureInfo.InvariantCulture));
    }
}
