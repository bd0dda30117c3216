using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Corda.HighAvailability.Checkpoints.Blobs;
using Corda.HighAvailability.Checkpoints.Reading;
using Corda.HighAvailability.Checkpoints.Rules;
using Corda.HighAvailability.Checkpoints.Schema;
using Microsoft.Extensions.Logging;

namespace Corda.HighAvailability.Checkpoints.Verification;

/// <summary>
/// One verification: a reader task merges the tables in flow id order (a streaming merge join: one current row per
/// table, never a table in memory), applies the rules and hands blobs to <see cref="CheckpointVerificationOptions.Parallelism"/>
/// decoding workers through a bounded channel; every finding goes through a second bounded channel to the caller.
/// Both channels are bounded, so a slow consumer slows the reading instead of filling memory.
/// </summary>
internal sealed partial class VerificationRun(
    CheckpointDatabase database,
    CheckpointVerificationOptions options,
    IReadOnlyList<ICheckpointRule> rules,
    ILogger logger,
    IProgress<CheckpointVerificationProgress>? progress)
{
    private const int FindingsCapacity = 256;
    private const int ScratchSize = 64 * 1024;

    private long _flows;
    private long _blobs;
    private long _findings;

    public CheckpointSchema Schema { get; private set; }

    public long FlowsChecked => Interlocked.Read(ref _flows);

    public long BlobsChecked => Interlocked.Read(ref _blobs);

    public async IAsyncEnumerable<Finding> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = stop.Token;
        var schemaName = options.SchemaName ?? database.DefaultSchema;
        var sql = new CheckpointSql(database, schemaName);
        Schema = await CheckpointSchemaDetector.DetectAsync(database, schemaName, token).ConfigureAwait(false);
        LogStarting(logger, Schema, schemaName, database.ProviderName, options.Parallelism, options.CheckBlobs);

        var findings = Channel.CreateBounded<Finding>(new BoundedChannelOptions(FindingsCapacity) { SingleReader = true });
        var blobs = Channel.CreateBounded<BlobWork>(new BoundedChannelOptions(options.Parallelism) { SingleWriter = true });
        var reader = Task.Run(() => ReadAsync(sql, blobs.Writer, findings.Writer, token), token);
        var workers = Enumerable.Range(0, options.Parallelism)
            .Select(_ => Task.Run(() => DecodeAsync(blobs.Reader, findings.Writer, token), token))
            .ToArray();
        var completion = CompleteAsync(reader, workers, findings.Writer);
        try
        {
            await foreach (var finding in findings.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                Interlocked.Increment(ref _findings);
                yield return finding;
            }

            await completion.ConfigureAwait(false);
            progress?.Report(Progress(completed: true));
            LogFinished(logger, FlowsChecked, BlobsChecked, Interlocked.Read(ref _findings));
        }
        finally
        {
            // The caller may stop early: stop the reader and workers, wait for them, and give back pooled buffers.
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await completion.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Already thrown to the caller above, or irrelevant after an early stop.
            }

            while (blobs.Reader.TryRead(out var left))
            {
                left.Blob.Dispose();
            }
        }
    }

    private static async Task CompleteAsync(Task reader, Task[] workers, ChannelWriter<Finding> findings)
    {
        try
        {
            await Task.WhenAll([reader, .. workers]).ConfigureAwait(false);
        }
        finally
        {
            findings.TryComplete();
        }
    }

    private CheckpointVerificationProgress Progress(bool completed) =>
        new(Schema, FlowsChecked, BlobsChecked, Interlocked.Read(ref _findings), completed);

    private async Task ReadAsync(CheckpointSql sql, ChannelWriter<BlobWork> blobs, ChannelWriter<Finding> findings, CancellationToken token)
    {
        try
        {
            if (Schema == CheckpointSchema.Corda45OrEarlier)
            {
                await ReadLegacyAsync(sql, blobs, findings, token).ConfigureAwait(false);
            }
            else
            {
                await MergeAsync(sql, blobs, findings, token).ConfigureAwait(false);
            }
        }
        finally
        {
            blobs.TryComplete();
        }
    }

    private async Task ReadLegacyAsync(CheckpointSql sql, ChannelWriter<BlobWork> blobs, ChannelWriter<Finding> findings, CancellationToken token)
    {
        var cursor = await TableCursor.OpenAsync(database, CheckpointTables.Checkpoints, sql.LegacyCheckpoints, ReadBlobRowAsync(1, 0), token).ConfigureAwait(false);
        await using (cursor.ConfigureAwait(false))
        {
            while (await cursor.MoveNextAsync(token).ConfigureAwait(false))
            {
                var row = (BlobBearingRow)cursor.Current!;
                await SubmitAsync(row.FlowId, CheckpointTables.Checkpoints, "checkpoint_value", BlobKind.Kryo, row.TakeFirst(), blobs, findings, token).ConfigureAwait(false);
                CountFlow();
            }
        }
    }

    private async Task MergeAsync(CheckpointSql sql, ChannelWriter<BlobWork> blobs, ChannelWriter<Finding> findings, CancellationToken token)
    {
        var cursors = new List<TableCursor>(5);
        try
        {
            cursors.Add(await TableCursor.OpenAsync(database, CheckpointTables.Checkpoints, sql.Checkpoints, ReadCheckpointRowAsync, token).ConfigureAwait(false));
            cursors.Add(await TableCursor.OpenAsync(database, CheckpointTables.CheckpointBlobs, sql.Blobs, ReadBlobRowAsync(1, 2), token).ConfigureAwait(false));
            cursors.Add(await TableCursor.OpenAsync(database, CheckpointTables.FlowMetadata, sql.Metadata, ReadMetadataRowAsync, token).ConfigureAwait(false));
            cursors.Add(await TableCursor.OpenAsync(database, CheckpointTables.FlowResults, sql.Results, ReadBlobRowAsync(1, 0), token).ConfigureAwait(false));
            cursors.Add(await TableCursor.OpenAsync(database, CheckpointTables.FlowExceptions, sql.Exceptions, ReadBlobRowAsync(1, 0), token).ConfigureAwait(false));
            foreach (var cursor in cursors)
            {
                await cursor.MoveNextAsync(token).ConfigureAwait(false);
            }

            var found = new List<Finding>();
            while (MinimumKey(cursors) is { } flowId)
            {
                var checkpoint = (CheckpointRow?)await cursors[0].TakeAsync(flowId, Duplicate(flowId), token).ConfigureAwait(false);
                using var blobRow = (BlobBearingRow?)await cursors[1].TakeAsync(flowId, Duplicate(flowId), token).ConfigureAwait(false);
                using var metadata = (BlobBearingRow?)await cursors[2].TakeAsync(flowId, Duplicate(flowId), token).ConfigureAwait(false);
                using var result = (BlobBearingRow?)await cursors[3].TakeAsync(flowId, Duplicate(flowId), token).ConfigureAwait(false);
                using var exception = (BlobBearingRow?)await cursors[4].TakeAsync(flowId, Duplicate(flowId), token).ConfigureAwait(false);

                var flow = new CheckpointFlow(flowId)
                {
                    Status = checkpoint?.Status,
                    HasBlobRow = blobRow is not null,
                    HasFlowState = blobRow?.Second is not null,
                    HasMetadataRow = metadata is not null,
                    HasFinishTime = metadata?.Flag ?? false,
                    HasResultRow = result is not null,
                    HasExceptionRow = exception is not null,
                };
                Evaluate(flow, found);
                foreach (var finding in found)
                {
                    await findings.WriteAsync(finding, token).ConfigureAwait(false);
                }

                found.Clear();
                await SubmitAsync(flowId, CheckpointTables.CheckpointBlobs, "checkpoint_value", BlobKind.Kryo, blobRow?.TakeFirst(), blobs, findings, token).ConfigureAwait(false);
                await SubmitAsync(flowId, CheckpointTables.CheckpointBlobs, "flow_state", BlobKind.Kryo, blobRow?.TakeSecond(), blobs, findings, token).ConfigureAwait(false);
                await SubmitAsync(flowId, CheckpointTables.FlowMetadata, "flow_parameters", BlobKind.Amqp, metadata?.TakeFirst(), blobs, findings, token).ConfigureAwait(false);
                await SubmitAsync(flowId, CheckpointTables.FlowResults, "result_value", BlobKind.Amqp, result?.TakeFirst(), blobs, findings, token).ConfigureAwait(false);
                await SubmitAsync(flowId, CheckpointTables.FlowExceptions, "exception_value", BlobKind.Amqp, exception?.TakeFirst(), blobs, findings, token).ConfigureAwait(false);
                CountFlow();
            }
        }
        finally
        {
            foreach (var cursor in cursors)
            {
                await cursor.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private Action<string> Duplicate(string flowId) => table => LogDuplicate(logger, table, flowId);

    private static string? MinimumKey(List<TableCursor> cursors)
    {
        string? minimum = null;
        foreach (var cursor in cursors)
        {
            if (cursor.Current is { } row && (minimum is null || string.CompareOrdinal(row.FlowId, minimum) < 0))
            {
                minimum = row.FlowId;
            }
        }

        return minimum;
    }

    private void Evaluate(CheckpointFlow flow, List<Finding> found)
    {
        foreach (var rule in rules)
        {
            try
            {
                rule.Evaluate(flow, found);
            }
            catch (Exception e)
            {
                LogRuleFailed(logger, e, rule.Id, flow.FlowId);
                found.Add(new Finding(CheckpointFindingCodes.RuleFailed, FindingSeverity.Error, flow.FlowId, CheckpointTables.Checkpoints,
                    $"Rule '{rule.Id}' threw {e.GetType().Name}; the flow could not be checked by it."));
            }
        }
    }

    private void CountFlow()
    {
        var flows = Interlocked.Increment(ref _flows);
        if (flows % options.ProgressInterval == 0)
        {
            progress?.Report(Progress(completed: false));
        }
    }

    private async ValueTask SubmitAsync(string flowId, string table, string column, BlobKind kind, PooledBlob? blob, ChannelWriter<BlobWork> blobs, ChannelWriter<Finding> findings, CancellationToken token)
    {
        if (blob is null || blob.Buffer is null && !blob.Oversized)
        {
            // NULL, or present but not read (blob checks off).
            blob?.Dispose();
            return;
        }

        if (blob.Oversized)
        {
            Interlocked.Increment(ref _blobs);
            await findings.WriteAsync(
                new Finding(CheckpointFindingCodes.BlobSizeLimit, FindingSeverity.Error, flowId, table,
                    $"The stored blob is larger than MaxBlobBytes ({options.MaxBlobBytes}); it was not checked.", column),
                token).ConfigureAwait(false);
            return;
        }

        try
        {
            await blobs.WriteAsync(new BlobWork(flowId, table, column, kind, blob), token).ConfigureAwait(false);
        }
        catch
        {
            blob.Dispose();
            throw;
        }
    }

    private async Task DecodeAsync(ChannelReader<BlobWork> blobs, ChannelWriter<Finding> findings, CancellationToken token)
    {
        var scratch = System.Buffers.ArrayPool<byte>.Shared.Rent(ScratchSize);
        try
        {
            await foreach (var work in blobs.ReadAllAsync(token).ConfigureAwait(false))
            {
                BlobDefect? defect;
                using (work.Blob)
                {
                    defect = BlobChecker.Check(work.Blob.Buffer!, work.Blob.Length, work.Kind, options.MaxInflatedBytes, scratch);
                }

                Interlocked.Increment(ref _blobs);
                if (defect is { } d)
                {
                    await findings.WriteAsync(new Finding(d.Code, d.Severity, work.FlowId, work.Table, d.Message, work.Column), token).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private Func<DbDataReader, CancellationToken, ValueTask<FlowRow>> ReadBlobRowAsync(int firstBlob, int secondBlob) =>
        async (reader, token) =>
        {
            var flowId = reader.GetString(0);
            var first = await BlobColumnReader.ReadAsync(reader, firstBlob, options.CheckBlobs, options.MaxBlobBytes, token).ConfigureAwait(false);
            try
            {
                // flow_state's presence matters to the rules even when blob checks are off.
                var second = secondBlob > 0
                    ? await BlobColumnReader.ReadAsync(reader, secondBlob, options.CheckBlobs, options.MaxBlobBytes, token).ConfigureAwait(false)
                    : null;
                return new BlobBearingRow(flowId, first, second);
            }
            catch
            {
                first?.Dispose();
                throw;
            }
        };

    private async ValueTask<FlowRow> ReadCheckpointRowAsync(DbDataReader reader, CancellationToken token)
    {
        var flowId = reader.GetString(0);
        var status = Convert.ToInt32(await reader.GetFieldValueAsync<object>(1, token).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        return new CheckpointRow(flowId, status);
    }

    private async ValueTask<FlowRow> ReadMetadataRowAsync(DbDataReader reader, CancellationToken token)
    {
        var flowId = reader.GetString(0);
        var finished = !await reader.IsDBNullAsync(1, token).ConfigureAwait(false);
        var parameters = await BlobColumnReader.ReadAsync(reader, 2, options.CheckBlobs, options.MaxBlobBytes, token).ConfigureAwait(false);
        return new BlobBearingRow(flowId, parameters, flag: finished);
    }
}
