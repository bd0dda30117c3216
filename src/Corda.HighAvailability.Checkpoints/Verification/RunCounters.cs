using Corda.HighAvailability.Checkpoints.Schema;
using Corda.HighAvailability.Checkpoints.Telemetry;

namespace Corda.HighAvailability.Checkpoints.Verification;

/// <summary>
/// The counts of one run, updated at once by the reader, the decoding workers and the consumer. Each count also goes
/// to the meter as it happens, and the flow count paces the progress reports.
/// </summary>
internal sealed class RunCounters(CheckpointVerificationMetrics metrics, IProgress<CheckpointVerificationProgress>? progress, int progressInterval)
{
    private long _flows;
    private long _blobs;
    private long _findings;
    private long _errors;

    /// <summary>Set once, before the reader and workers start.</summary>
    public CheckpointSchema Schema { get; set; }

    public long Flows => Interlocked.Read(ref _flows);

    public long Blobs => Interlocked.Read(ref _blobs);

    public long Findings => Interlocked.Read(ref _findings);

    public long Errors => Interlocked.Read(ref _errors);

    public void FlowChecked()
    {
        metrics.FlowChecked();
        var flows = Interlocked.Increment(ref _flows);
        if (flows % progressInterval == 0)
        {
            progress?.Report(Progress(completed: false));
        }
    }

    public void BlobDecoded(long inflatedBytes)
    {
        metrics.BlobDecoded(inflatedBytes);
        Interlocked.Increment(ref _blobs);
    }

    /// <summary>A blob over MaxBlobBytes: checked (its finding says so) but not decoded.</summary>
    public void BlobOversized() => Interlocked.Increment(ref _blobs);

    /// <summary>A finding reached the caller.</summary>
    public void FindingReported(Finding finding)
    {
        metrics.Finding(finding);
        Interlocked.Increment(ref _findings);
        if (finding.Severity == FindingSeverity.Error)
        {
            Interlocked.Increment(ref _errors);
        }
    }

    public void ReportCompleted() => progress?.Report(Progress(completed: true));

    private CheckpointVerificationProgress Progress(bool completed) => new(Schema, Flows, Blobs, Findings, completed);
}
