using Corda.HighAvailability.Checkpoints;

namespace Corda.HighAvailability.Tool.Checkpoints;

/// <summary>A finished <c>checkpoints verify</c> run and what the renderers need beside the report.</summary>
internal sealed record VerifyResult(CheckpointVerificationReport Report, string Provider, string DatabaseSchema, FindingSeverity FailOn)
{
    /// <summary>The kept findings in a stable order (the verifier's order varies with parallel blob decoding).</summary>
    public IEnumerable<Finding> SortedFindings => Report.Findings
        .OrderBy(f => f.FlowId, StringComparer.Ordinal)
        .ThenBy(f => f.Table, StringComparer.Ordinal)
        .ThenBy(f => f.Column, StringComparer.Ordinal)
        .ThenBy(f => f.Code, StringComparer.Ordinal);

    /// <summary>The complete counts by code, sorted by code.</summary>
    public IEnumerable<KeyValuePair<string, long>> SortedCounts => Report.CountsByCode.OrderBy(c => c.Key, StringComparer.Ordinal);

    public long TotalFindings => Report.ErrorCount + Report.WarningCount;

    public long DurationMilliseconds => (long)Math.Round(Report.Elapsed.TotalMilliseconds);
}
