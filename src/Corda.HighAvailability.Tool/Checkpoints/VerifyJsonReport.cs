using System.Text.Encodings.Web;
using System.Text.Json;

namespace Corda.HighAvailability.Tool.Checkpoints;

/// <summary>
/// The <c>checkpoints verify</c> result as one JSON document on stdout. Written straight to the stream and flushed
/// in batches, so that tens of thousands of findings are never buffered as one string; the summary comes before the
/// findings so that a streaming reader has it first.
/// </summary>
internal static class VerifyJsonReport
{
    private const int FlushEvery = 256;

    public static void Write(Stream output, VerifyResult result)
    {
        var report = result.Report;
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        writer.WriteStartObject();
        writer.WriteString("provider", result.Provider);
        writer.WriteString("databaseSchema", result.DatabaseSchema);
        writer.WriteString("schema", CheckpointNames.Schema(report.Schema));
        writer.WriteNumber("checked", report.FlowsChecked);
        writer.WriteNumber("blobsChecked", report.BlobsChecked);
        writer.WriteNumber("durationMs", result.DurationMilliseconds);
        writer.WriteString("failOn", CheckpointNames.Severity(result.FailOn));
        writer.WriteBoolean("passed", !Verdict.Fails(report, result.FailOn));
        writer.WriteStartObject("summary");
        writer.WriteNumber("errors", report.ErrorCount);
        writer.WriteNumber("warnings", report.WarningCount);
        writer.WriteEndObject();
        writer.WriteStartObject("countsByCode");
        foreach (var (code, count) in result.SortedCounts)
        {
            writer.WriteNumber(code, count);
        }

        writer.WriteEndObject();
        writer.WriteBoolean("truncated", report.FindingsTruncated);
        writer.WriteStartArray("findings");
        var written = 0;
        foreach (var finding in result.SortedFindings)
        {
            writer.WriteStartObject();
            writer.WriteString("flowId", finding.FlowId);
            writer.WriteString("code", finding.Code);
            writer.WriteString("severity", CheckpointNames.Severity(finding.Severity));
            writer.WriteString("table", finding.Table);
            if (finding.Column is not null)
            {
                writer.WriteString("column", finding.Column);
            }

            writer.WriteString("message", finding.Message);
            writer.WriteEndObject();
            if (++written % FlushEvery == 0)
            {
                writer.Flush();
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        output.Write("\n"u8);
        output.Flush();
    }
}
