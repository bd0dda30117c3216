using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Tool.Probe;

/// <summary>One round: every check run once, side by side.</summary>
internal sealed record ProbeRound(int Number, int Of, DateTimeOffset StartedAt, TimeSpan Duration, IReadOnlyList<ProbeOutcome> Checks)
{
    /// <summary>The worst status of the round's checks, as a health check service reports it.</summary>
    public HealthStatus Status => Worst(Checks.Select(c => c.Status));

    /// <summary>Unhealthy before Degraded before Healthy; Healthy for none.</summary>
    public static HealthStatus Worst(IEnumerable<HealthStatus> statuses) =>
        statuses.Aggregate(HealthStatus.Healthy, (worst, status) => status < worst ? status : worst);
}
