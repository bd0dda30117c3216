using Corda.HighAvailability.Probes.Watchdog;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Publishes the watchdog's verdict as a health check, in the Xabaril shape.</summary>
public static class WatchdogHealthCheckBuilderExtensions
{
    /// <summary>The default registration name.</summary>
    public const string DefaultName = "corda-watchdog";

    /// <summary>
    /// Adds a check that returns the watchdog's latest verdict at once, without running any probe: the worst status
    /// of the watched probes after hysteresis, with <c>&lt;probe&gt;.p50Ms</c>, <c>.p99Ms</c>, <c>.failures</c> and
    /// more as data. Until the first round has finished it reports <paramref name="failureStatus"/>. Tag it
    /// <c>corda-ha-failover</c> (the default tag of lease election's <c>StepDownWhenUnhealthy</c>) to make an
    /// unhealthy leader step down. Configure the watchdog with <c>AddCordaHa(ha =&gt; ha.AddWatchdog(...))</c>.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">Registration name; default <c>corda-watchdog</c>. The watchdog never watches it.</param>
    /// <param name="failureStatus">Status reported for an Unhealthy verdict, and before the first; default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags, for example <c>ready</c> and <c>corda-ha-failover</c>.</param>
    /// <param name="timeout">Check timeout (the check does not wait on anything).</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddCordaWatchdog(
        this IHealthChecksBuilder builder,
        string? name = default,
        HealthStatus? failureStatus = default,
        IEnumerable<string>? tags = default,
        TimeSpan? timeout = default)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var registrationName = name ?? DefaultName;
        WatchdogRegistration.AddCore(builder.Services);
        builder.Services.AddSingleton(new WatchdogVerdictRegistration(registrationName));
        return builder.Add(new HealthCheckRegistration(
            registrationName,
            sp => new WatchdogHealthCheck(sp.GetRequiredService<Watchdog>()),
            failureStatus,
            tags,
            timeout));
    }
}
