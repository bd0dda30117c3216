using System.Globalization;
using System.Text.Json;
using Corda.HighAvailability.LeaseElection.Storage;
using Corda.HighAvailability.Tool.Cli;

namespace Corda.HighAvailability.Tool.Commands;

/// <summary>Renders a lease row for <c>lease status</c> and <c>lease release</c>; every time shown is the database's.</summary>
internal static class LeaseView
{
    public static string State(LeaseRecord record) => record.Holder is null ? "released" : record.IsHeld ? "held" : "expired";

    public static void WriteText(LeaseRecord record, string provider, string? table)
    {
        var holder = record.Holder;
        var rows = new List<(string, string)>
        {
            ("Lease", $"{record.LeaseName} ({provider}, table {table ?? "default"})"),
            ("State", record.IsHeld ? "held" : $"free ({State(record)})"),
            ("Holder", holder?.Id ?? "-"),
            ("Machine", holder?.Machine ?? "-"),
            ("PID", holder?.ProcessId?.ToString(CultureInfo.InvariantCulture) ?? "-"),
            ("Version", holder?.Version ?? "-"),
            ("Epoch", record.Epoch.ToString(CultureInfo.InvariantCulture)),
            ("Acquired", Time(record.AcquiredAt)),
            ("Renewed", Time(record.RenewedAt)),
            ("Expires", Time(record.ExpiresAt)),
            ("DB now", Time(record.DatabaseNow)),
            ("Since renewal", record.TimeSinceRenewal is { } since ? Seconds(since) : "-"),
            ("To expiry", record.IsHeld ? Seconds(record.TimeToExpiry) : $"lapsed {Seconds(record.DatabaseNow - record.ExpiresAt)} ago"),
        };
        foreach (var (label, value) in rows)
        {
            Console.Out.WriteLine($"{label,-14}{value}");
        }
    }

    public static void WriteJson(Utf8JsonWriter writer, LeaseRecord record)
    {
        writer.WriteString("lease", record.LeaseName);
        writer.WriteBoolean("exists", true);
        writer.WriteString("state", State(record));
        writer.WriteBoolean("held", record.IsHeld);
        if (record.Holder is { } holder)
        {
            writer.WriteStartObject("holder");
            writer.WriteString("id", holder.Id);
            writer.WriteStringOrNull("machine", holder.Machine);
            if (holder.ProcessId is { } pid)
            {
                writer.WriteNumber("pid", pid);
            }
            else
            {
                writer.WriteNull("pid");
            }

            writer.WriteStringOrNull("version", holder.Version);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("holder");
        }

        writer.WriteNumber("epoch", record.Epoch);
        writer.WriteStringOrNull("acquiredAt", record.AcquiredAt?.ToString("O", CultureInfo.InvariantCulture));
        writer.WriteStringOrNull("renewedAt", record.RenewedAt?.ToString("O", CultureInfo.InvariantCulture));
        writer.WriteString("expiresAt", record.ExpiresAt.ToString("O", CultureInfo.InvariantCulture));
        writer.WriteString("databaseNow", record.DatabaseNow.ToString("O", CultureInfo.InvariantCulture));
        if (record.TimeSinceRenewal is { } since)
        {
            writer.WriteNumber("sinceRenewalMs", (long)since.TotalMilliseconds);
        }
        else
        {
            writer.WriteNull("sinceRenewalMs");
        }

        writer.WriteNumber("toExpiryMs", (long)record.TimeToExpiry.TotalMilliseconds);
    }

    public static string Describe(LeaseRecord record) => record.Holder is { } holder
        ? $"held by '{holder.Id}' ({holder.Machine ?? "?"}, pid {holder.ProcessId?.ToString(CultureInfo.InvariantCulture) ?? "?"}) at epoch {record.Epoch}, expiring in {Seconds(record.TimeToExpiry)}"
        : $"released at epoch {record.Epoch}";

    private static string Time(DateTimeOffset? value) => value is { } time ? time.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) : "-";

    private static string Seconds(TimeSpan value) => string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.000} s");
}
