using System.Diagnostics.CodeAnalysis;

namespace Corda.HighAvailability.Checkpoints.Flows;

/// <summary>
/// Converts between the node's zone-less column values and instants. Corda stores <c>java.time.Instant</c> values in
/// columns without a zone, so the stored wall-clock time is the node JVM's local time (docs/corda-checkpoints.md#timestamps).
/// </summary>
internal static class NodeTimeZones
{
    public static bool TryFind(string? id, [NotNullWhen(true)] out TimeZoneInfo? zone)
    {
        zone = null;
        if (string.IsNullOrWhiteSpace(id))
        {
            return false;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    /// <summary>A stored value, read as the node's local time, as an instant.</summary>
    public static DateTimeOffset ToInstant(DateTime stored, TimeZoneInfo zone)
    {
        var local = DateTime.SpecifyKind(stored, DateTimeKind.Unspecified);

        // In a spring-forward gap the wall-clock time never happened; the standard offset is the node's best reading.
        var offset = zone.IsInvalidTime(local) ? zone.BaseUtcOffset : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    /// <summary>An instant as the node would store it: its local wall-clock time, without a zone.</summary>
    public static DateTime ToStored(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateTime.SpecifyKind(TimeZoneInfo.ConvertTime(instant, zone).DateTime, DateTimeKind.Unspecified);
}
