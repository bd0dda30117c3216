using Corda.HighAvailability;
using Corda.HighAvailability.Probes.Watchdog;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the watchdog to <c>services.AddCordaHa(...)</c>.</summary>
public static class WatchdogCordaHaBuilderExtensions
{
    /// <summary>
    /// Adds the watchdog: a hosted service that runs the chosen health checks (<see cref="WatchdogOptions.HealthChecks"/>,
    /// <see cref="WatchdogOptions.HealthCheckTags"/>) and the work probes added on the result every
    /// <see cref="WatchdogOptions.Period"/>, and judges each with a sliding window, thresholds and hysteresis. Publish
    /// its verdict with <c>AddHealthChecks().AddCordaWatchdog()</c>. Options are validated when the host starts.
    /// </summary>
    /// <param name="builder">The Corda HA builder.</param>
    /// <param name="configure">Chooses what to watch and sets the thresholds.</param>
    /// <returns>A builder for work probes.</returns>
    public static WatchdogBuilder AddWatchdog(this ICordaHaBuilder builder, Action<WatchdogOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        WatchdogRegistration.AddCore(builder.Services);
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        return new WatchdogBuilder(builder.Services);
    }
}
