using System.Globalization;
using System.Text.Json;
using Corda.HighAvailability.Tool.Cli;

namespace Corda.HighAvailability.Tool.Commands;

/// <summary>
/// Renders Corda's mutual-exclusion row and the comparison for <c>lease status</c>. Corda's timestamps are shown as
/// stored: the database's clock, without a time zone.
/// </summary>
internal static class CordaGuardView
{
    public static string State(CordaGuardState state) => state switch
    {
        CordaGuardState.NotApplicable => "not-applicable",
        CordaGuardState.Absent => "absent",
        CordaGuardState.Live => "live",
        CordaGuardState.Stale => "stale",
        _ => "unreadable",
    };

    public static void WriteText(CordaGuardReport report, TextWriter output)
    {
        var rows = new List<(string, string)>();
        switch (report.State)
        {
            case CordaGuardState.NotApplicable:
                rows.Add(("Corda row", "not applicable (a Corda node's database is never SQLite)"));
                break;
            case CordaGuardState.Absent:
                rows.Add(("Corda row", $"absent: no table {report.Table} or no row in it (Corda's guard is off, or never ran here)"));
                break;
            case CordaGuardState.Unreadable:
                rows.Add(("Corda row", $"unreadable ({report.Table})"));
                break;
            default:
                var row = report.Row!;
                rows.Add(("Corda row", report.State == CordaGuardState.Live
                    ? $"live ({report.Table})"
                    : $"stale: older than the wait interval, Corda lets another machine take it ({report.Table})"));
                rows.Add(("Corda machine", $"{row.MachineName} (host {row.HostName})"));
                rows.Add(("Corda PID", row.Pid));
                rows.Add(("Corda version", row.Version.ToString(CultureInfo.InvariantCulture)));
                rows.Add(("Corda stamp", $"{Time(row.Timestamp)} (database clock, no zone)"));
                rows.Add(("Corda age", $"{Seconds(row.Age)} (wait interval {Seconds(report.WaitInterval)})"));
                break;
        }

        if (report.Comparison is { } comparison)
        {
            rows.Add(("Guards", comparison.Description));
        }

        foreach (var (label, value) in rows)
        {
            output.WriteLine($"{label,-14}{value}");
        }

        if (report.Warning is { } warning)
        {
            output.WriteLine($"WARNING: {warning}");
        }
    }

    public static void WriteJson(Utf8JsonWriter writer, CordaGuardReport report)
    {
        writer.WriteStartObject("cordaMutualExclusion");
        writer.WriteBoolean("applicable", report.State != CordaGuardState.NotApplicable);
        writer.WriteString("state", State(report.State));
        writer.WriteStringOrNull("table", report.Table);
        writer.WriteBoolean("present", report.Row is not null);
        writer.WriteBoolean("live", report.State == CordaGuardState.Live);
        writer.WriteNumber("waitIntervalMs", (long)report.WaitInterval.TotalMilliseconds);
        if (report.Row is { } row)
        {
            writer.WriteString("machineName", row.MachineName);
            writer.WriteString("hostName", row.HostName);
            writer.WriteString("pid", row.Pid);
            writer.WriteNumber("version", row.Version);
            writer.WriteString("timestamp", row.Timestamp.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteString("databaseNow", row.DatabaseNow.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteNumber("ageMs", (long)row.Age.TotalMilliseconds);
        }

        if (report.Error is { } error)
        {
            writer.WriteString("error", error);
        }

        writer.WriteEndObject();

        if (report.Comparison is { } comparison)
        {
            writer.WriteStartObject("guards");
            writer.WriteString("verdict", comparison.Verdict.ToString());
            writer.WriteBoolean("agree", comparison.Agrees);
            writer.WriteStringOrNull("leaseHolderMachine", comparison.LeaseHolderMachine);
            writer.WriteString("description", comparison.Description);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("guards");
        }

        writer.WriteStringOrNull("warning", report.Warning);
    }

    private static string Time(DateTime value) => value.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan value) => string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.000} s");
}
