using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Probes.Watchdog;

/// <summary>
/// Returns the watchdog's latest verdict without running any probe, so that load balancer and Kubernetes polls are
/// cheap and see the hysteresis-damped status, not the last run.
/// </summary>
internal sealed class WatchdogHealthCheck(Watchdog watchdog) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Task.FromResult(watchdog.Verdict.ToResult(context.Registration.FailureStatus));
    }
}
