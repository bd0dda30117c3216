using System.Data.Common;
using Corda.HighAvailability.Checkpoints.Blobs;
using Corda.HighAvailability.Checkpoints.Reading.Rows;

namespace Corda.HighAvailability.Checkpoints.Reading.Tables;

/// <summary>
/// A table of which the verifier reads the key and one blob column: <c>node_flow_results</c>,
/// <c>node_flow_exceptions</c>, and <c>node_checkpoints</c> before Corda 4.6.
/// </summary>
internal sealed class SingleBlobTable : TableDescription<SingleBlobRow>
{
    public SingleBlobTable(string table, string key, string valueColumn, BlobKind kind)
        : base(table, key)
    {
        Value = Blob(valueColumn, kind);
    }

    /// <summary>The blob column: <c>result_value</c>, <c>exception_value</c> or <c>checkpoint_value</c>.</summary>
    public BlobColumn Value { get; }

    public override async ValueTask<SingleBlobRow> ReadRowAsync(DbDataReader reader, BlobColumnReader blobs, CancellationToken cancellationToken)
    {
        var flowId = ReadKey(reader);
        var value = await blobs.ReadAsync(reader, Value, cancellationToken).ConfigureAwait(false);
        return new SingleBlobRow(flowId, value);
    }
}
