using System.Threading.Channels;
using Corda.HighAvailability.Checkpoints.Reading;
using Corda.HighAvailability.Checkpoints.Reading.Rows;
using Corda.HighAvailability.Checkpoints.Reading.Tables;
using Corda.HighAvailability.Checkpoints.Rules;
using Corda.HighAvailability.Checkpoints.Schema;
using Microsoft.Extensions.Logging;

namespace Corda.HighAvailability.Checkpoints.Verification;

/// <summary>
/// The reading side of a run. Before Corda 4.6 it streams the one checkpoint table; from 4.6 on it merges the five
/// tables in flow id order (a streaming merge join: one current row per table, never a table in memory), applies the
/// rules to each flow id and writes their findings. Either way every blob goes to <see cref="BlobDecoding"/>.
/// </summary>
internal sealed class CheckpointTableReader(
    CheckpointDatabase database,
    CheckpointSql sql,
    BlobColumnReader blobReader,
    RuleEvaluator rules,
    BlobDecoding decoding,
    RunCounters counters,
    ChannelWriter<Finding> findings,
    ILogger logger)
{
    public async Task ReadAsync(CheckpointSchema schema, CancellationToken token)
    {
        try
        {
            if (schema == CheckpointSchema.Corda45OrEarlier)
            {
                await ReadLegacyAsync(token).ConfigureAwait(false);
            }
            else
            {
                await MergeAsync(token).ConfigureAwait(false);
            }
        }
        finally
        {
            decoding.CompleteSubmissions();
        }
    }

    private async Task ReadLegacyAsync(CancellationToken token)
    {
        var table = TableDescriptions.LegacyCheckpoints;
        var cursor = await OpenAsync(table, token).ConfigureAwait(false);
        await using (cursor.ConfigureAwait(false))
        {
            while (await cursor.MoveNextAsync(token).ConfigureAwait(false))
            {
                var row = cursor.Current!;
                await decoding.SubmitAsync(row.FlowId, table.Value, row.TakeValue(), token).ConfigureAwait(false);
                counters.FlowChecked();
            }
        }
    }

    private async Task MergeAsync(CancellationToken token)
    {
        TableCursor<CheckpointRow>? checkpoints = null;
        TableCursor<CheckpointBlobsRow>? blobRows = null;
        TableCursor<FlowMetadataRow>? metadataRows = null;
        TableCursor<SingleBlobRow>? resultRows = null;
        TableCursor<SingleBlobRow>? exceptionRows = null;
        try
        {
            checkpoints = await OpenAsync(TableDescriptions.Checkpoints, token).ConfigureAwait(false);
            blobRows = await OpenAsync(TableDescriptions.CheckpointBlobs, token).ConfigureAwait(false);
            metadataRows = await OpenAsync(TableDescriptions.FlowMetadata, token).ConfigureAwait(false);
            resultRows = await OpenAsync(TableDescriptions.FlowResults, token).ConfigureAwait(false);
            exceptionRows = await OpenAsync(TableDescriptions.FlowExceptions, token).ConfigureAwait(false);
            await checkpoints.MoveNextAsync(token).ConfigureAwait(false);
            await blobRows.MoveNextAsync(token).ConfigureAwait(false);
            await metadataRows.MoveNextAsync(token).ConfigureAwait(false);
            await resultRows.MoveNextAsync(token).ConfigureAwait(false);
            await exceptionRows.MoveNextAsync(token).ConfigureAwait(false);

            var found = new List<Finding>();
            while (MinimumKey(checkpoints.CurrentKey, blobRows.CurrentKey, metadataRows.CurrentKey, resultRows.CurrentKey, exceptionRows.CurrentKey) is { } flowId)
            {
                using var checkpoint = await checkpoints.TakeAsync(flowId, Duplicate(flowId), token).ConfigureAwait(false);
                using var blobRow = await blobRows.TakeAsync(flowId, Duplicate(flowId), token).ConfigureAwait(false);
                using var metadata = await metadataRows.TakeAsync(flowId, Duplicate(flowId), token).ConfigureAwait(false);
                using var result = await resultRows.TakeAsync(flowId, Duplicate(flowId), token).ConfigureAwait(false);
                using var exception = await exceptionRows.TakeAsync(flowId, Duplicate(flowId), token).ConfigureAwait(false);

                var flow = new CheckpointFlow(flowId)
                {
                    Status = checkpoint?.Status,
                    HasBlobRow = blobRow is not null,
                    HasFlowState = blobRow?.HasFlowState ?? false,
                    HasMetadataRow = metadata is not null,
                    HasFinishTime = metadata?.HasFinishTime ?? false,
                    HasResultRow = result is not null,
                    HasExceptionRow = exception is not null,
                };
                rules.Evaluate(flow, found);
                foreach (var finding in found)
                {
                    await findings.WriteAsync(finding, token).ConfigureAwait(false);
                }

                found.Clear();
                await decoding.SubmitAsync(flowId, TableDescriptions.CheckpointBlobs.CheckpointValue, blobRow?.TakeCheckpointValue(), token).ConfigureAwait(false);
                await decoding.SubmitAsync(flowId, TableDescriptions.CheckpointBlobs.FlowState, blobRow?.TakeFlowState(), token).ConfigureAwait(false);
                await decoding.SubmitAsync(flowId, TableDescriptions.FlowMetadata.FlowParameters, metadata?.TakeFlowParameters(), token).ConfigureAwait(false);
                await decoding.SubmitAsync(flowId, TableDescriptions.FlowResults.Value, result?.TakeValue(), token).ConfigureAwait(false);
                await decoding.SubmitAsync(flowId, TableDescriptions.FlowExceptions.Value, exception?.TakeValue(), token).ConfigureAwait(false);
                counters.FlowChecked();
            }
        }
        finally
        {
            IAsyncDisposable?[] opened = [checkpoints, blobRows, metadataRows, resultRows, exceptionRows];
            foreach (var cursor in opened)
            {
                if (cursor is not null)
                {
                    await cursor.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    private Task<TableCursor<TRow>> OpenAsync<TRow>(TableDescription<TRow> table, CancellationToken token)
        where TRow : FlowRow =>
        TableCursor<TRow>.OpenAsync(database, sql, table, blobReader, token);

    private Action<string> Duplicate(string flowId) => table => VerificationLog.Duplicate(logger, table, flowId);

    private static string? MinimumKey(params ReadOnlySpan<string?> keys)
    {
        string? minimum = null;
        foreach (var key in keys)
        {
            if (key is not null && (minimum is null || string.CompareOrdinal(key, minimum) < 0))
            {
                minimum = key;
            }
        }

        return minimum;
    }
}
