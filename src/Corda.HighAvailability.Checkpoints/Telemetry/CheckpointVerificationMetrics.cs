using System.Diagnostics;
using System.Diagnostics.Metrics;
using Corda.HighAvailability.Diagnostics;

namespace Corda.HighAvailability.Checkpoints.Telemetry;

/// <summary>Instruments of checkpoint verification, on the shared <c>Corda.HighAvailability</c> meter.</summary>
internal sealed class CheckpointVerificationMetrics
{
    public const string FlowsName = "corda_ha.checkpoint.flows";
    public const string BlobsName = "corda_ha.checkpoint.blobs";
    public const string InflatedName = "corda_ha.checkpoint.blobs.inflated";
    public const string FindingsName = "corda_ha.checkpoint.findings";
    public const string DurationName = "corda_ha.checkpoint.verify.duration";
    public const string ActivityName = "corda_ha.checkpoint.verify";
    public const string CodeTag = "corda_ha.checkpoint.finding.code";
    public const string SeverityTag = "corda_ha.checkpoint.finding.severity";
    public const string ResultTag = "corda_ha.checkpoint.result";
    public const string SchemaTag = "corda_ha.checkpoint.schema";
    public const string DbSystemTag = "db.system";
    public const string ErrorTypeTag = "error.type";

    private readonly Counter<long> _flows;
    private readonly Counter<long> _blobs;
    private readonly Counter<long> _inflated;
    private readonly Counter<long> _findings;
    private readonly Histogram<double> _duration;

    public CheckpointVerificationMetrics(CordaHaInstrumentation instrumentation)
    {
        ArgumentNullException.ThrowIfNull(instrumentation);
        ActivitySource = instrumentation.ActivitySource;
        var meter = instrumentation.Meter;
        _flows = meter.CreateCounter<long>(FlowsName, "{flow}", "Flow ids checked by checkpoint verification.");
        _blobs = meter.CreateCounter<long>(BlobsName, "{blob}", "Checkpoint blobs decoded (a blob over MaxBlobBytes is not decoded: it is a blob-size-limit finding).");
        _inflated = meter.CreateCounter<long>(InflatedName, "By", "Bytes the DEFLATE and Snappy layers of decoded blobs inflated to, summed over layers as MaxInflatedBytes counts them.");
        _findings = meter.CreateCounter<long>(FindingsName, "{finding}", "Checkpoint verification findings, by code and severity.");
        _duration = meter.CreateHistogram<double>(DurationName, "s", "Duration of checkpoint verification runs, from start until the last finding was consumed or the run ended.");
    }

    public ActivitySource ActivitySource { get; }

    public void FlowChecked() => _flows.Add(1);

    public void BlobDecoded(long inflatedBytes)
    {
        _blobs.Add(1);
        if (inflatedBytes > 0)
        {
            _inflated.Add(inflatedBytes);
        }
    }

    public void Finding(Finding finding) =>
        _findings.Add(1, new(CodeTag, finding.Code), new(SeverityTag, SeverityName(finding.Severity)));

    public void RunDuration(TimeSpan elapsed, string result, string dbSystem) =>
        _duration.Record(elapsed.TotalSeconds, new(ResultTag, result), new(DbSystemTag, dbSystem));

    /// <summary>Lower-case severity names for tags, as OpenTelemetry attribute values usually are.</summary>
    public static string SeverityName(FindingSeverity severity) => severity == FindingSeverity.Error ? "error" : "warning";
}
