using Corda.HighAvailability.Artemis.Amqp;
using Corda.HighAvailability.Diagnostics;
using Corda.HighAvailability.Probes.Internal;
using Corda.HighAvailability.Probes.Telemetry;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="AmqpProbeHealthCheck"/> in the Xabaril shape, as one reused instance per registration.</summary>
public static class AmqpProbeHealthCheckBuilderExtensions
{
    /// <summary>The default registration name.</summary>
    public const string DefaultName = "corda-artemis-amqp";

    /// <summary>
    /// Adds an AMQP 1.0 probe of the node's Artemis broker (or any AMQP 1.0 broker): one connection, kept open and
    /// reused by every probe, with an optional message round trip. The check is a singleton per registration (keyed by
    /// its name) that the service provider disposes, closing the connection. The options are named after the
    /// registration and validated when the host starts.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="configure">Sets the address (and the credentials, the round trip address, the timeout, TLS).</param>
    /// <param name="name">Registration name, also the options name; default <c>corda-artemis-amqp</c>. Give each probe its own.</param>
    /// <param name="failureStatus">Status reported when the broker cannot be reached or fails the probe; default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags, for example <c>ready</c>.</param>
    /// <param name="timeout">The health check service's timeout for the check; keep it above <see cref="AmqpProbeOptions.Timeout"/>.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddCordaArtemisAmqpProbe(
        this IHealthChecksBuilder builder,
        Action<AmqpProbeOptions> configure,
        string? name = default,
        HealthStatus? failureStatus = default,
        IEnumerable<string>? tags = default,
        TimeSpan? timeout = default)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var registrationName = name ?? DefaultName;
        ProbeRegistration.AddOptions<AmqpProbeOptions, AmqpProbeOptionsValidator>(builder.Services, registrationName, configure);
        builder.Services.TryAddSingleton(sp => new AmqpProbeMetrics(sp.GetRequiredService<CordaHaInstrumentation>()));
        return ProbeRegistration.AddCheckPerRegistration(
            builder,
            registrationName,
            sp => new AmqpProbeHealthCheck(
                ProbeRegistration.Options<AmqpProbeOptions>(sp, registrationName),
                sp.GetService<TimeProvider>(),
                sp.GetService<ProbeMetrics>(),
                sp.GetService<AmqpProbeMetrics>(),
                sp.GetService<ILoggerFactory>()?.CreateLogger<AmqpProbeHealthCheck>()),
            failureStatus,
            tags,
            timeout);
    }
}
