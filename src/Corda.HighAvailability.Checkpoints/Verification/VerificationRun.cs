using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Corda.HighAvailability.Checkpoints.Reading;
using Corda.HighAvailability.Checkpoints.Rules;
using Corda.HighAvailability.Checkpoints.Schema;
using Corda.HighAvailability.Checkpoints.Telemetry;
using Microsoft.Extensions.Logging;

namespace Corda.HighAvailability.Checkpoints.Verification;

/// <summary>
/// One verification: a reader task (<see cref="CheckpointTableReader"/>) streams the tables, applies the rules and
/// hands blobs to <see cref="CheckpointVerificationOptions.Parallelism"/> decoding workers (<see cref="BlobDecoding"/>);
/// every finding goes through a second bounded channel to the caller. Both channels are bounded, so a slow consumer
/// slows the reading instead of filling memory.
/// </summary>
internal sealed class VerificationRun(
    CheckpointDatabase database,
    CheckpointVerificationOptions options,
    IReadOnlyList<ICheckpointRule> rules,
    CheckpointVerificationMetrics metrics,
    TimeProvider time,
    ILogger logger,
    IProgress<CheckpointVerificationProgress>? progress)
{
    private const int FindingsCapacity = 256;

    private readonly RunCounters _counters = new(metrics, progress, options.ProgressInterval);

    public CheckpointSchema Schema => _counters.Schema;

    public long FlowsChecked => _counters.Flows;

    public long BlobsChecked => _counters.Blobs;

    /// <summary>Runs the verification under its activity and duration measurement, yielding findings as they come.</summary>
    public async IAsyncEnumerable<Finding> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var schemaName = options.SchemaName ?? database.DefaultSchema;
        using var telemetry = VerificationRunTelemetry.Start(metrics, time, database.ProviderName, schemaName, options);
        var findings = FindAsync(schemaName, telemetry, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (findings.ConfigureAwait(false))
        {
            while (true)
            {
                // A yield cannot sit in a try with a catch: only the step that may throw does.
                Finding finding;
                try
                {
                    if (!await findings.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    finding = findings.Current;
                }
                catch (Exception e)
                {
                    telemetry.Fail(e, cancellationToken.IsCancellationRequested);
                    throw;
                }

                yield return finding;
            }
        }

        telemetry.Complete(_counters.Flows, _counters.Blobs, _counters.Findings, _counters.Errors);
    }

    private async IAsyncEnumerable<Finding> FindAsync(string schemaName, VerificationRunTelemetry telemetry, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = stop.Token;
        var sql = new CheckpointSql(database, schemaName);
        _counters.Schema = await CheckpointSchemaDetector.DetectAsync(database, schemaName, token).ConfigureAwait(false);
        telemetry.SchemaDetected(Schema);
        VerificationLog.Starting(logger, Schema, schemaName, database.ProviderName, options.Parallelism, options.CheckBlobs);

        var findings = Channel.CreateBounded<Finding>(new BoundedChannelOptions(FindingsCapacity) { SingleReader = true });
        var decoding = new BlobDecoding(options, _counters, findings.Writer);
        var tables = new CheckpointTableReader(
            database,
            sql,
            new BlobColumnReader(options.CheckBlobs, options.MaxBlobBytes),
            new RuleEvaluator(rules, logger),
            decoding,
            _counters,
            findings.Writer,
            logger);
        var reader = Task.Run(() => tables.ReadAsync(Schema, token), token);
        var workers = Enumerable.Range(0, options.Parallelism)
            .Select(_ => Task.Run(() => decoding.DecodeAsync(token), token))
            .ToArray();
        var completion = CompleteAsync(reader, workers, findings.Writer);
        try
        {
            await foreach (var finding in findings.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                _counters.FindingReported(finding);
                yield return finding;
            }

            await completion.ConfigureAwait(false);
            _counters.ReportCompleted();
            VerificationLog.Finished(logger, FlowsChecked, BlobsChecked, _counters.Findings);
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

            decoding.DisposeUndecoded();
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
}
