using Corda.HighAvailability.Probes.Internal;
using Corda.HighAvailability.Probes.JournalStorage;
using Corda.HighAvailability.Probes.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="JournalStorageProbeHealthCheck"/> in the Xabaril shape.</summary>
public static class JournalStorageProbeHealthCheckBuilderExtensions
{
    /// <summary>The default registration name.</summary>
    public const string DefaultName = "corda-journal-storage";

    /// <summary>
    /// Adds a probe of the Artemis journal's storage: durable write latency, free space, read-only or full file
    /// systems, and the broker's <c>server.lock</c> (inspected without taking it). The options are named after the
    /// registration and validated when the host starts; the check is one instance per registration, which keeps the
    /// latency window.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="configure">Sets the journal directory and the limits.</param>
    /// <param name="name">Registration name, also the options name; default <c>corda-journal-storage</c>.</param>
    /// <param name="failureStatus">Status reported when writes fail or the storage hangs; default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags, for example <c>ready</c>.</param>
    /// <param name="timeout">The health check service's timeout for the check; keep it above <see cref="JournalStorageProbeOptions.Timeout"/>.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddCordaJournalStorageProbe(
        this IHealthChecksBuilder builder,
        Action<JournalStorageProbeOptions> configure,
        string? name = default,
        HealthStatus? failureStatus = default,
        IEnumerable<string>? tags = default,
        TimeSpan? timeout = default)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var registrationName = name ?? DefaultName;
        ProbeRegistration.AddOptions<JournalStorageProbeOptions, JournalStorageProbeOptionsValidator>(builder.Services, registrationName, configure);
        return ProbeRegistration.AddCheckPerRegistration(
            builder,
            registrationName,
            sp => new JournalStorageProbeHealthCheck(
                ProbeRegistration.Options<JournalStorageProbeOptions>(sp, registrationName),
                sp.GetService<TimeProvider>(),
                sp.GetService<ProbeMetrics>(),
                sp.GetService<ILoggerFactory>()?.CreateLogger<JournalStorageProbeHealthCheck>()),
            failureStatus,
            tags,
            timeout);
    }
}
