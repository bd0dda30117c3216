using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Probes.Watchdog;

/// <summary>Which registered health checks the watchdog runs: named or tagged, never its own verdict.</summary>
internal static class WatchdogSelection
{
    public static IEnumerable<HealthCheckRegistration> Select(
        WatchdogOptions options, IEnumerable<HealthCheckRegistration> registrations, IReadOnlySet<string> ownVerdicts) =>
        registrations.Where(r => !ownVerdicts.Contains(r.Name)
            && (options.HealthChecks.Contains(r.Name) || r.Tags.Any(options.HealthCheckTags.Contains)));
}
