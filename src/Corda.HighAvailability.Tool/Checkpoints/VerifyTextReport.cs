using System.Globalization;

namespace Corda.HighAvailability.Tool.Checkpoints;

/// <summary>The <c>checkpoints verify</c> summary for people: what was read, counts by code, the findings, a verdict.</summary>
internal static class VerifyTextReport
{
    public static void Write(TextWriter output, VerifyResult result)
    {
        var report = result.Report;
        var culture = CultureInfo.InvariantCulture;
        output.WriteLine($"Checkpoint verification ({result.Provider}, schema {result.DatabaseSchema})");
        output.WriteLine($"  Schema detected: {CheckpointNames.SchemaDescription(report.Schema)}");
        output.WriteLine(string.Create(culture, $"  Flows checked:   {report.FlowsChecked:N0} ({report.BlobsChecked:N0} blobs decoded)"));
        output.WriteLine(string.Create(culture, $"  Duration:        {report.Elapsed.TotalSeconds:0.00} s"));
        output.WriteLine(string.Create(culture, $"  Findings:        {report.ErrorCount:N0} errors, {report.WarningCount:N0} warnings"));

        if (result.TotalFindings > 0)
        {
            output.WriteLine();
            output.WriteLine("Counts by code:");
            var width = result.SortedCounts.Max(c => c.Key.Length);
            foreach (var (code, count) in result.SortedCounts)
            {
                output.WriteLine(string.Create(culture, $"  {code.PadRight(width)}  {count,8:N0}"));
            }

            output.WriteLine();
            output.WriteLine(report.FindingsTruncated
                ? string.Create(culture, $"Findings (first {report.Findings.Count:N0} of {result.TotalFindings:N0}; raise --max-findings for more):")
                : "Findings:");
            foreach (var finding in result.SortedFindings)
            {
                var table = finding.Column is null ? finding.Table : $"{finding.Table}.{finding.Column}";
                output.WriteLine($"  {finding.FlowId}  {table}  {finding.Code} ({CheckpointNames.Severity(finding.Severity)}): {finding.Message}");
            }
        }

        output.WriteLine();
        output.WriteLine(Verdict.Line(report, result.FailOn));
        output.Flush();
    }
}
