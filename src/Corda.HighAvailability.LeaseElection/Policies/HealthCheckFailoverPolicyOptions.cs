using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.LeaseElection.Policies;

/// <summary>Options of <see cref="HealthCheckFailoverPolicy"/>.</summary>
public sealed class HealthCheckFailoverPolicyOptions
{
    /// <summary>The tag that selects the health checks this policy consults by default.</summary>
    public const string DefaultTag = "corda-ha-failover";

    /// <summary>
    /// Which registrations count. Default: those tagged <see cref="DefaultTag"/>. Never include the lease-leader
    /// check itself: it is unhealthy on every standby by design.
    /// </summary>
    public Func<HealthCheckRegistration, bool> Predicate { get; set; } = registration => registration.Tags.Contains(DefaultTag);

    /// <summary>The leader steps down when the report has been at or below <see cref="FailureStatus"/> this long. Default 30 s.</summary>
    public TimeSpan StepDownAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The status from which the host counts as failing. Default <see cref="HealthStatus.Unhealthy"/>.</summary>
    public HealthStatus FailureStatus { get; set; } = HealthStatus.Unhealthy;

    /// <summary>The checks run at most this often; answers in between reuse the last report. Default 5 s.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(5);
}
