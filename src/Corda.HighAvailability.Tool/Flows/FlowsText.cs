using System.Globalization;
using Corda.HighAvailability.Checkpoints.Flows;
using Corda.HighAvailability.Checkpoints.Rules;

namespace Corda.HighAvailability.Tool.Flows;

/// <summary>The <c>flows</c> commands' output for people: a table of flows, one flow's details, or the counts by status.</summary>
internal static class FlowsText
{
    // An exception message in the list is cut to this; `flows show` prints it whole (up to --max-text).
    private const int ListMessageLength = 80;

    // Rows buffered to size the table's columns before the first line is printed.
    private const int WidthSample = 200;

    private static readonly string[] Header = ["FLOW ID", "STATUS", "AGE", "STARTED (UTC)", "TYPE", "STARTED BY", "FLOW CLASS", "EXCEPTION"];

    /// <summary>
    /// Writes the table as the flows are read: the column widths come from the first <see cref="WidthSample"/> rows
    /// (later, longer cells just push their line wider), so memory stays bounded whatever <c>--limit</c> is.
    /// </summary>
    public static async Task WriteListAsync(TextWriter output, FlowsContext context, IAsyncEnumerable<FlowRecord> flows, FlowsListFilter filter, CancellationToken cancellationToken)
    {
        var statuses = filter.Statuses.Count == 0 ? "all statuses" : string.Join(", ", filter.Statuses.Distinct().Order().Select(FlowNames.Status));
        var age = filter.OlderThan is { } olderThan ? $", older than {Age(olderThan)}" : string.Empty;
        output.WriteLine($"Flows ({context.Provider}, schema {context.DatabaseSchema}; {statuses}{age}), oldest first");
        var sample = new List<string[]>();
        int[]? widths = null;
        var count = 0;
        var truncated = false;
        await foreach (var flow in flows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (count == filter.Limit)
            {
                truncated = true;
                break;
            }

            count++;
            var row = Row(flow);
            if (widths is not null)
            {
                output.WriteLine(Line(row, widths));
                continue;
            }

            sample.Add(row);
            if (sample.Count == WidthSample)
            {
                widths = WriteSample(output, sample);
            }
        }

        if (widths is null && sample.Count > 0)
        {
            WriteSample(output, sample);
        }

        if (count == 0)
        {
            output.WriteLine("  No flows.");
            output.Flush();
            return;
        }

        output.WriteLine();
        output.WriteLine(truncated
            ? string.Create(CultureInfo.InvariantCulture, $"{count:N0} flows shown; more match (raise --limit).")
            : string.Create(CultureInfo.InvariantCulture, $"{count:N0} flows."));
        output.Flush();
    }

    private static string[] Row(FlowRecord flow) =>
    [
        flow.FlowId,
        FlowNames.Status(flow),
        flow.Age is { } a ? Age(a) : "-",
        Time(flow.StartTime),
        FlowNames.StartType(flow) ?? "-",
        OneLine(flow.StartedBy ?? "-", 40),
        OneLine(flow.FlowClass ?? "-", 60),
        flow.Exception is { } e ? OneLine($"{e.Type}: {e.Message}", ListMessageLength) : string.Empty,
    ];

    private static int[] WriteSample(TextWriter output, List<string[]> sample)
    {
        var widths = Enumerable.Range(0, Header.Length).Select(i => sample.Select(r => r[i].Length).Append(Header[i].Length).Max()).ToArray();
        output.WriteLine(Line(Header, widths));
        foreach (var row in sample)
        {
            output.WriteLine(Line(row, widths));
        }

        sample.Clear();
        return widths;
    }

    public static void WriteFlow(TextWriter output, FlowRecord flow)
    {
        output.WriteLine($"Flow {flow.FlowId}");
        Field(output, "Status", FlowNames.Status(flow));
        Field(output, "Flow class", flow.FlowClass);
        Field(output, "CorDapp", flow.CordappName);
        Field(output, "Start type", FlowNames.StartType(flow));
        Field(output, "Started by", flow.StartedBy);
        Field(output, "Client id", flow.ClientId);
        Field(output, "Started", flow.StartTime is null ? null : Time(flow.StartTime));
        Field(output, "Age", flow.Age is { } age ? Age(age) : null);
        Field(output, "Last checkpoint", flow.LastCheckpointTime is null ? null : Time(flow.LastCheckpointTime));
        Field(output, "Finished", flow.FinishTime is null ? null : Time(flow.FinishTime));
        Field(output, "Progress step", flow.ProgressStep);
        Field(output, "Suspended on", flow.SuspendedOn);
        if (flow.Exception is { } exception)
        {
            output.WriteLine();
            output.WriteLine($"Exception: {exception.Type ?? "(no type)"}");
            if (exception.Time is not null)
            {
                output.WriteLine($"  recorded {Time(exception.Time)}");
            }

            output.WriteLine($"  {exception.Message ?? "(no message)"}{(exception.MessageTruncated ? " [truncated]" : string.Empty)}");
            if (exception.StackTrace is { } stack)
            {
                output.WriteLine();
                output.WriteLine("Stack trace" + (exception.StackTraceTruncated ? " (truncated; raise --max-text for more):" : ":"));
                foreach (var line in stack.ReplaceLineEndings("\n").Split('\n'))
                {
                    output.WriteLine($"  {line}");
                }
            }
        }

        output.Flush();
    }

    public static void WriteSummary(TextWriter output, FlowsContext context, FlowHospitalSummary summary)
    {
        var culture = CultureInfo.InvariantCulture;
        output.WriteLine($"Flow summary ({context.Provider}, schema {context.DatabaseSchema}) as of {Time(summary.AsOf)}");
        output.WriteLine(string.Create(culture, $"  {"STATUS",-14} {"COUNT",10}  OLDEST"));
        foreach (var status in Enum.GetValues<CheckpointFlowStatus>())
        {
            var entry = summary.ByStatus[status];
            var oldest = entry.OldestAge is { } age ? $"{Age(age)} (started {Time(entry.OldestStart)})" : "-";
            output.WriteLine(string.Create(culture, $"  {FlowNames.Status(status),-14} {entry.Count,10:N0}  {oldest}"));
        }

        if (summary.Unrecognized > 0)
        {
            output.WriteLine(string.Create(culture, $"  {"unrecognized",-14} {summary.Unrecognized,10:N0}  (status NULL or not a Corda status)"));
        }

        output.WriteLine(string.Create(culture, $"  {"total",-14} {summary.Total,10:N0}"));
        output.Flush();
    }

    /// <summary>A short age for people: <c>45s</c>, <c>12m 5s</c>, <c>3h 20m</c>, <c>2d 4h</c>.</summary>
    public static string Age(TimeSpan age)
    {
        if (age < TimeSpan.Zero)
        {
            return "-" + Age(age.Negate());
        }

        return age.TotalDays >= 1 ? $"{(int)age.TotalDays}d {age.Hours}h"
            : age.TotalHours >= 1 ? $"{(int)age.TotalHours}h {age.Minutes}m"
            : age.TotalMinutes >= 1 ? $"{(int)age.TotalMinutes}m {age.Seconds}s"
            : $"{(int)age.TotalSeconds}s";
    }

    private static string Time(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "-";

    private static void Field(TextWriter output, string name, string? value) => output.WriteLine($"  {name + ":",-17}{value ?? "-"}");

    private static string OneLine(string text, int max)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length > max ? line[..(max - 1)] + "…" : line;
    }

    private static string Line(string[] cells, int[] widths) =>
        "  " + string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
}
