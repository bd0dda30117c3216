using Corda.HighAvailability.Artemis.Jolokia;
using Corda.HighAvailability.Probes.Internal;
using Corda.HighAvailability.Probes.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="JolokiaProbeHealthCheck"/> in the Xabaril shape.</summary>
public static class JolokiaProbeHealthCheckBuilderExtensions
{
    /// <summary>The default registration name.</summary>
    public const string DefaultName = "corda-artemis-jolokia";

    /// <summary>
    /// Adds a probe of an Artemis broker through its Jolokia management agent: active or backup, replica in sync,
    /// memory and disk use, and queue build-up by queue-name prefix, in one bulk request per probe. The options are
    /// named after the registration and validated when the host starts; the check is one instance per registration,
    /// which keeps its pooled connection.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="configure">Sets the endpoint, the credentials and the thresholds.</param>
    /// <param name="name">Registration name, also the options name; default <c>corda-artemis-jolokia</c>. Give each probe its own.</param>
    /// <param name="failureStatus">Status reported for Unhealthy findings; default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags, for example <c>ready</c>.</param>
    /// <param name="timeout">The health check service's timeout for the check; keep it above <see cref="JolokiaProbeOptions.Timeout"/>.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddCordaArtemisJolokiaProbe(
        this IHealthChecksBuilder builder,
        Action<JolokiaProbeOptions> configure,
        string? name = default,
        HealthStatus? failureStatus = default,
        IEnumerable<string>? tags = default,
        TimeSpan? timeout = default)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var registrationName = name ?? DefaultName;
        ProbeRegistration.AddOptions<JolokiaProbeOptions, JolokiaProbeOptionsValidator>(builder.Services, registrationName, configure);
        return ProbeRegistration.AddCheckPerRegistration(
            builder,
            registrationName,
            sp => new JolokiaProbeHealthCheck(
                ProbeRegistration.Options<JolokiaProbeOptions>(sp, registrationName),
                sp.GetService<TimeProvider>(),
                sp.GetService<ProbeMetrics>(),
                sp.GetService<ILoggerFactory>()?.CreateLogger<JolokiaProbeHealthCheck>()),
            failureStatus,
            tags,
            timeout);
    }
}
