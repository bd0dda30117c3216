using Corda.HighAvailability.Checkpoints.Schema;

namespace Corda.HighAvailability.Checkpoints;

/// <summary>The outcome of a whole verification run.</summary>
public sealed class CheckpointVerificationReport
{
    internal CheckpointVerificationReport(
        CheckpointSchema schema,
        long flowsChecked,
        long blobsChecked,
        IReadOnlyDictionary<string, long> countsByCode,
        long errorCount,
        long warningCount,
        IReadOnlyList<Finding> findings,
        TimeSpan elapsed)
    {
        Schema = schema;
        FlowsChecked = flowsChecked;
        BlobsChecked = blobsChecked;
        CountsByCode = countsByCode;
        ErrorCount = errorCount;
        WarningCount = warningCount;
        Findings = findings;
        Elapsed = elapsed;
    }

    /// <summary>The detected schema.</summary>
    public CheckpointSchema Schema { get; }

    /// <summary>Flow ids checked (distinct flow ids over all tables; rows of the legacy table).</summary>
    public long FlowsChecked { get; }

    /// <summary>Non-NULL blobs decoded.</summary>
    public long BlobsChecked { get; }

    /// <summary>How many findings of each code; always complete.</summary>
    public IReadOnlyDictionary<string, long> CountsByCode { get; }

    /// <summary>Findings of severity <see cref="FindingSeverity.Error"/>.</summary>
    public long ErrorCount { get; }

    /// <summary>Findings of severity <see cref="FindingSeverity.Warning"/>.</summary>
    public long WarningCount { get; }

    /// <summary>The findings, up to <see cref="CheckpointVerificationOptions.MaxReportedFindings"/>.</summary>
    public IReadOnlyList<Finding> Findings { get; }

    /// <summary>Whether <see cref="Findings"/> holds fewer findings than were found.</summary>
    public bool FindingsTruncated => Findings.Count < ErrorCount + WarningCount;

    /// <summary>How long the run took.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>No errors: the checkpoint tables may be trusted (warnings allowed).</summary>
    public bool IsHealthy => ErrorCount == 0;
}
