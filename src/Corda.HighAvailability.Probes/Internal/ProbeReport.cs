using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Probes.Internal;

/// <summary>
/// What one probe run found: its data, and the problems an operator must act on, each Degraded or Unhealthy.
/// The result's status is the worst problem's (Unhealthy maps to the registration's failure status) and its
/// description lists the problems, worst first, followed by a summary of what was measured.
/// </summary>
internal sealed class ProbeReport
{
    private readonly List<string> _unhealthy = [];
    private readonly List<string> _degraded = [];

    public Dictionary<string, object> Data { get; } = new(StringComparer.Ordinal);

    public bool HasUnhealthy => _unhealthy.Count > 0;

    public void Unhealthy(string problem) => _unhealthy.Add(problem);

    public void Degraded(string problem) => _degraded.Add(problem);

    public HealthCheckResult ToResult(HealthStatus failureStatus, string summary, Exception? exception = null)
    {
        if (_unhealthy.Count == 0 && _degraded.Count == 0)
        {
            return HealthCheckResult.Healthy(summary, Data);
        }

        // A registration whose failure status is Degraded (or better) never reports worse than that.
        var status = _unhealthy.Count > 0
            ? failureStatus
            : failureStatus > HealthStatus.Degraded ? failureStatus : HealthStatus.Degraded;
        var problems = string.Join(" ", _unhealthy.Concat(_degraded));
        var description = string.IsNullOrEmpty(summary) ? problems : $"{problems} {summary}";
        return new HealthCheckResult(status, description, exception, Data);
    }

    /// <summary>Milliseconds with two decimals, for data and descriptions.</summary>
    public static double Milliseconds(TimeSpan elapsed) => Math.Round(elapsed.TotalMilliseconds, 2);

    public static string FormatMilliseconds(TimeSpan elapsed) =>
        Milliseconds(elapsed).ToString("0.##", CultureInfo.InvariantCulture) + " ms";

    /// <summary>A UTC instant for descriptions, to the minute.</summary>
    public static string FormatDate(DateTimeOffset instant) =>
        instant.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>A UTC instant for data, round-trippable.</summary>
    public static string DataDate(DateTimeOffset instant) =>
        instant.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    public static string FormatBytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        double value = bytes;
        var unit = 0;
        while (Math.Abs(value) >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.#} {units[unit]}");
    }

    public static string FormatTimeSpan(TimeSpan span) =>
        span.TotalDays >= 1 && span.Ticks % TimeSpan.TicksPerDay == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalDays:0} days")
            : span.TotalSeconds >= 1
                ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.###} s")
                : FormatMilliseconds(span);
}
