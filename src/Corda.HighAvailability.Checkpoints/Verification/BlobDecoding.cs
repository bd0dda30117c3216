using System.Buffers;
using System.Threading.Channels;
using Corda.HighAvailability.Checkpoints.Blobs;
using Corda.HighAvailability.Checkpoints.Reading;
using Corda.HighAvailability.Checkpoints.Reading.Tables;

namespace Corda.HighAvailability.Checkpoints.Verification;

/// <summary>
/// The hand-over of blobs from the reader to the decoding workers: a channel bounded to
/// <see cref="CheckpointVerificationOptions.Parallelism"/> blobs, so that reading waits for decoding instead of
/// filling memory. The reader calls <see cref="SubmitAsync"/>; each worker runs <see cref="DecodeAsync"/>.
/// </summary>
internal sealed class BlobDecoding
{
    private const int ScratchSize = 64 * 1024;

    private readonly Channel<BlobWork> _blobs;
    private readonly CheckpointVerificationOptions _options;
    private readonly RunCounters _counters;
    private readonly ChannelWriter<Finding> _findings;

    public BlobDecoding(CheckpointVerificationOptions options, RunCounters counters, ChannelWriter<Finding> findings)
    {
        _blobs = Channel.CreateBounded<BlobWork>(new BoundedChannelOptions(options.Parallelism) { SingleWriter = true });
        _options = options;
        _counters = counters;
        _findings = findings;
    }

    /// <summary>Queues <paramref name="blob"/> for decoding (and hands it over); NULL and unread blobs are only disposed.</summary>
    public async ValueTask SubmitAsync(string flowId, BlobColumn column, PooledBlob? blob, CancellationToken token)
    {
        if (blob is null || blob.Buffer is null && !blob.Oversized)
        {
            // NULL, or present but not read (blob checks off).
            blob?.Dispose();
            return;
        }

        if (blob.Oversized)
        {
            _counters.BlobOversized();
            await _findings.WriteAsync(
                new Finding(CheckpointFindingCodes.BlobSizeLimit, FindingSeverity.Error, flowId, column.Table,
                    $"The stored blob is larger than MaxBlobBytes ({_options.MaxBlobBytes}); it was not checked.", column.Name),
                token).ConfigureAwait(false);
            return;
        }

        try
        {
            await _blobs.Writer.WriteAsync(new BlobWork(flowId, column, blob), token).ConfigureAwait(false);
        }
        catch
        {
            blob.Dispose();
            throw;
        }
    }

    /// <summary>No more blobs: the workers end once the channel is drained.</summary>
    public void CompleteSubmissions() => _blobs.Writer.TryComplete();

    /// <summary>One decoding worker: checks blobs until the channel is completed and drained.</summary>
    public async Task DecodeAsync(CancellationToken token)
    {
        var scratch = ArrayPool<byte>.Shared.Rent(ScratchSize);
        try
        {
            await foreach (var work in _blobs.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                BlobDefect? defect;
                long inflated;
                using (work.Blob)
                {
                    defect = BlobChecker.Check(work.Blob.Buffer!, work.Blob.Length, work.Column.Kind, _options.MaxInflatedBytes, scratch, out inflated);
                }

                _counters.BlobDecoded(inflated);
                if (defect is { } d)
                {
                    await _findings.WriteAsync(new Finding(d.Code, Severity(d), work.FlowId, work.Column.Table, d.Message, work.Column.Name), token).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>Gives back the pooled buffers of blobs that no worker took (after an early stop).</summary>
    public void DisposeUndecoded()
    {
        while (_blobs.Reader.TryRead(out var left))
        {
            left.Blob.Dispose();
        }
    }

    // A checksum mismatch is the one blob defect whose severity the operator chooses (CheckpointFindingCodes.BlobChecksumMismatch says why).
    private FindingSeverity Severity(BlobDefect defect) =>
        defect.Code == CheckpointFindingCodes.BlobChecksumMismatch ? _options.ChecksumMismatchSeverity : defect.Severity;
}
