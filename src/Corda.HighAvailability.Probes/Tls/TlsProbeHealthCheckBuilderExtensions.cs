using Corda.HighAvailability.Probes.Internal;
using Corda.HighAvailability.Probes.Telemetry;
using Corda.HighAvailability.Probes.Tls;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="TlsProbeHealthCheck"/> in the Xabaril shape.</summary>
public static class TlsProbeHealthCheckBuilderExtensions
{
    /// <summary>The default registration name.</summary>
    public const string DefaultName = "corda-tls";

    /// <summary>
    /// Adds a TLS handshake probe: trust, name and expiry of the server's certificate, optionally with a client
    /// certificate for mutual TLS. The options are named after the registration and validated when the host starts.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="configure">Sets the host and port, trust, client certificate and expiry warning.</param>
    /// <param name="name">Registration name, also the options name; default <c>corda-tls</c>. Give each probe its own.</param>
    /// <param name="failureStatus">Status reported when the handshake fails or the certificate is unusable; default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags, for example <c>ready</c>.</param>
    /// <param name="timeout">The health check service's timeout for the check; keep it above <see cref="TlsProbeOptions.Timeout"/>.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddCordaTlsProbe(
        this IHealthChecksBuilder builder,
        Action<TlsProbeOptions> configure,
        string? name = default,
        HealthStatus? failureStatus = default,
        IEnumerable<string>? tags = default,
        TimeSpan? timeout = default)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var registrationName = name ?? DefaultName;
        ProbeRegistration.AddOptions<TlsProbeOptions, TlsProbeOptionsValidator>(builder.Services, registrationName, configure);
        return builder.Add(new HealthCheckRegistration(
            registrationName,
            sp => new TlsProbeHealthCheck(
                ProbeRegistration.Options<TlsProbeOptions>(sp, registrationName),
                sp.GetService<TimeProvider>(),
                sp.GetService<ProbeMetrics>(),
                sp.GetService<ILoggerFactory>()?.CreateLogger<TlsProbeHealthCheck>()),
            failureStatus,
            tags,
            timeout));
    }
}
