using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Tool.Probe;

/// <summary>
/// The exit codes of <c>corda-ha probe</c>, which differ from the other commands': a monitoring script reads the
/// health from the code (0/1/2 as Healthy/Degraded/Unhealthy), so a bad command line needs a code of its own.
/// </summary>
internal static class ProbeExitCodes
{
    public const int Healthy = 0;

    public const int Degraded = 1;

    public const int Unhealthy = 2;

    /// <summary>Bad command line: nothing was probed.</summary>
    public const int Usage = 3;

    public static int For(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => Healthy,
        HealthStatus.Degraded => Degraded,
        _ => Unhealthy,
    };
}
