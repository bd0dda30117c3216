using System.Diagnostics.Metrics;
using Corda.HighAvailability.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Probes.Telemetry;

/// <summary>Instruments of the probes, on the shared <c>Corda.HighAvailability</c> meter.</summary>
internal sealed class ProbeMetrics
{
    public const string DurationName = "corda_ha.probe.duration";
    public const string KindTag = "corda_ha.probe.kind";
    public const string NameTag = "corda_ha.probe.name";
    public const string StatusTag = "corda_ha.probe.status";

    public const string Tcp = "tcp";
    public const string Tls = "tls";
    public const string JournalStorage = "journal_storage";
    public const string Amqp = "amqp";

    private readonly Histogram<double> _duration;

    public ProbeMetrics(CordaHaInstrumentation instrumentation)
    {
        ArgumentNullException.ThrowIfNull(instrumentation);
        _duration = instrumentation.Meter.CreateHistogram<double>(
            DurationName, "s", "Duration of broker and storage probes, by kind, registration name and resulting status.");
    }

    public void Probed(string kind, string name, HealthStatus status, TimeSpan elapsed) =>
        _duration.Record(elapsed.TotalSeconds, new(KindTag, kind), new(NameTag, name), new(StatusTag, StatusName(status)));

    /// <summary>Lower-case status names for tags, as OpenTelemetry attribute values usually are.</summary>
    public static string StatusName(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}
