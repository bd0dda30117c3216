using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Tool.Probe;

/// <summary>What one check reported in one round, already redacted: safe to print.</summary>
internal sealed record ProbeOutcome(
    string Name,
    HealthStatus Status,
    TimeSpan Duration,
    string Description,
    IReadOnlyList<KeyValuePair<string, object>> Data);
