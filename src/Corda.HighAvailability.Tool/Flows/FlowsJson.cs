using System.Text.Encodings.Web;
using System.Text.Json;
using Corda.HighAvailability.Checkpoints.Flows;
using Corda.HighAvailability.Checkpoints.Rules;
using Corda.HighAvailability.Tool.Cli;

namespace Corda.HighAvailability.Tool.Flows;

/// <summary>
/// The <c>flows</c> commands' JSON: one object per run. Names are camelCase, statuses and start types lower case,
/// times ISO 8601 with offset, ages in seconds; a missing value is <c>null</c>, never left out.
/// </summary>
internal static class FlowsJson
{
    private const int FlushEvery = 200;

    /// <summary>
    /// Writes the list as it is read, straight to stdout, flushing every <see cref="FlushEvery"/> flows; stops after
    /// <see cref="FlowsListFilter.Limit"/> flows and says whether more matched. <c>count</c> and <c>truncated</c>
    /// therefore come after <c>flows</c>.
    /// </summary>
    public static async Task WriteListAsync(FlowsContext context, IAsyncEnumerable<FlowRecord> flows, FlowsListFilter filter, CancellationToken cancellationToken)
    {
        var stdout = Console.OpenStandardOutput();
        await using (stdout.ConfigureAwait(false))
        {
            var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            await using (writer.ConfigureAwait(false))
            {
                writer.WriteStartObject();
                Header(writer, context);
                writer.WriteStartArray("statuses");
                foreach (var status in filter.Statuses.Distinct().Order())
                {
                    writer.WriteStringValue(FlowNames.Status(status));
                }

                writer.WriteEndArray();
                WriteSeconds(writer, "olderThanSeconds", filter.OlderThan);
                writer.WriteNumber("limit", filter.Limit);
                writer.WriteStartArray("flows");
                var count = 0;
                var truncated = false;
                await foreach (var flow in flows.WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    if (count == filter.Limit)
                    {
                        truncated = true;
                        break;
                    }

                    writer.WriteStartObject();
                    WriteFlowFields(writer, flow);
                    writer.WriteEndObject();
                    if (++count % FlushEvery == 0)
                    {
                        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                writer.WriteEndArray();
                writer.WriteNumber("count", count);
                writer.WriteBoolean("truncated", truncated);
                writer.WriteEndObject();
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            await stdout.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        }
    }

    public static void WriteFlow(FlowsContext context, FlowRecord flow) =>
        JsonOutput.Write(writer =>
        {
            Header(writer, context);
            writer.WriteStartObject("flow");
            WriteFlowFields(writer, flow);
            writer.WriteEndObject();
        });

    public static void WriteSummary(FlowsContext context, FlowHospitalSummary summary) =>
        JsonOutput.Write(writer =>
        {
            Header(writer, context);
            writer.WriteString("asOf", summary.AsOf);
            writer.WriteNumber("total", summary.Total);
            writer.WriteStartObject("byStatus");
            foreach (var status in Enum.GetValues<CheckpointFlowStatus>())
            {
                writer.WriteNumber(FlowNames.Status(status), summary.CountOf(status));
            }

            writer.WriteEndObject();
            writer.WriteNumber("unrecognized", summary.Unrecognized);
            writer.WriteStartObject("oldestAgeSeconds");
            foreach (var status in Enum.GetValues<CheckpointFlowStatus>())
            {
                WriteSeconds(writer, FlowNames.Status(status), summary.ByStatus[status].OldestAge);
            }

            writer.WriteEndObject();
            writer.WriteStartObject("oldestStart");
            foreach (var status in Enum.GetValues<CheckpointFlowStatus>())
            {
                WriteTime(writer, FlowNames.Status(status), summary.ByStatus[status].OldestStart);
            }

            writer.WriteEndObject();
        });

    private static void Header(Utf8JsonWriter writer, FlowsContext context)
    {
        writer.WriteString("provider", context.Provider);
        writer.WriteString("databaseSchema", context.DatabaseSchema);
    }

    private static void WriteFlowFields(Utf8JsonWriter writer, FlowRecord flow)
    {
        writer.WriteString("flowId", flow.FlowId);
        writer.WriteString("status", FlowNames.Status(flow));
        WriteNumber(writer, "statusCode", flow.StatusCode);
        writer.WriteStringOrNull("flowClass", flow.FlowClass);
        writer.WriteStringOrNull("cordappName", flow.CordappName);
        writer.WriteStringOrNull("startedBy", flow.StartedBy);
        writer.WriteStringOrNull("startType", FlowNames.StartType(flow));
        writer.WriteStringOrNull("clientId", flow.ClientId);
        WriteTime(writer, "startTime", flow.StartTime);
        WriteTime(writer, "finishTime", flow.FinishTime);
        WriteTime(writer, "lastCheckpointTime", flow.LastCheckpointTime);
        WriteSeconds(writer, "ageSeconds", flow.Age);
        writer.WriteStringOrNull("progressStep", flow.ProgressStep);
        writer.WriteStringOrNull("suspendedOn", flow.SuspendedOn);
        if (flow.Exception is not { } exception)
        {
            writer.WriteNull("exception");
            return;
        }

        writer.WriteStartObject("exception");
        writer.WriteStringOrNull("type", exception.Type);
        writer.WriteStringOrNull("message", exception.Message);
        writer.WriteBoolean("messageTruncated", exception.MessageTruncated);
        writer.WriteStringOrNull("stackTrace", exception.StackTrace);
        writer.WriteBoolean("stackTraceTruncated", exception.StackTraceTruncated);
        WriteTime(writer, "time", exception.Time);
        writer.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteSeconds(Utf8JsonWriter writer, string name, TimeSpan? value)
    {
        if (value is { } span)
        {
            writer.WriteNumber(name, Math.Round(span.TotalSeconds, 3));
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            writer.WriteString(name, time);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
