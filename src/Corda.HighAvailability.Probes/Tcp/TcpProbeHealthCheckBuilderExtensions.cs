using Corda.HighAvailability.Probes.Internal;
using Corda.HighAvailability.Probes.Tcp;
using Corda.HighAvailability.Probes.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="TcpProbeHealthCheck"/> in the Xabaril shape.</summary>
public static class TcpProbeHealthCheckBuilderExtensions
{
    /// <summary>The default registration name.</summary>
    public const string DefaultName = "corda-tcp";

    /// <summary>
    /// Adds a TCP connect probe, as a cloud load balancer runs against a node's P2P or RPC port. The options are
    /// named after the registration and validated when the host starts.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="configure">Sets the host and port (and the timeout).</param>
    /// <param name="name">Registration name, also the options name; default <c>corda-tcp</c>. Give each probe its own.</param>
    /// <param name="failureStatus">Status reported when the endpoint cannot be reached; default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags, for example <c>ready</c>.</param>
    /// <param name="timeout">The health check service's timeout for the check; keep it above <see cref="TcpProbeOptions.Timeout"/>.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddCordaTcpProbe(
        this IHealthChecksBuilder builder,
        Action<TcpProbeOptions> configure,
        string? name = default,
        HealthStatus? failureStatus = default,
        IEnumerable<string>? tags = default,
        TimeSpan? timeout = default)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var registrationName = name ?? DefaultName;
        ProbeRegistration.AddOptions<TcpProbeOptions, TcpProbeOptionsValidator>(builder.Services, registrationName, configure);
        return builder.Add(new HealthCheckRegistration(
            registrationName,
            sp => new TcpProbeHealthCheck(
                ProbeRegistration.Options<TcpProbeOptions>(sp, registrationName),
                sp.GetService<TimeProvider>(),
                sp.GetService<ProbeMetrics>()),
            failureStatus,
            tags,
            timeout));
    }
}
