using Corda.HighAvailability.Probes.Internal;
using Corda.HighAvailability.Probes.Telemetry;
using Corda.HighAvailability.Rpc.Grpc.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="GrpcHealthProbeHealthCheck"/> in the Xabaril shape, as one reused instance per registration.</summary>
public static class GrpcHealthProbeHealthCheckBuilderExtensions
{
    /// <summary>The default registration name.</summary>
    public const string DefaultName = "corda-grpc-health";

    /// <summary>
    /// Adds a probe of a gRPC server's standard health service (<c>grpc.health.v1.Health/Check</c>), for example the
    /// RPC proxy in front of a node: Healthy only when it reports <c>SERVING</c>. The check keeps one channel (one
    /// HTTP/2 connection) for all its probes; it is a singleton per registration (keyed by its name) that the service
    /// provider disposes. The options are named after the registration and validated when the host starts.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="configure">Sets the address (and the service, the timeout, TLS).</param>
    /// <param name="name">Registration name, also the options name; default <c>corda-grpc-health</c>. Give each probe its own.</param>
    /// <param name="failureStatus">Status reported when the server does not serve or cannot be reached; default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags, for example <c>ready</c>.</param>
    /// <param name="timeout">The health check service's timeout for the check; keep it above <see cref="GrpcHealthProbeOptions.Timeout"/>.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddCordaGrpcHealthProbe(
        this IHealthChecksBuilder builder,
        Action<GrpcHealthProbeOptions> configure,
        string? name = default,
        HealthStatus? failureStatus = default,
        IEnumerable<string>? tags = default,
        TimeSpan? timeout = default)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var registrationName = name ?? DefaultName;
        ProbeRegistration.AddOptions<GrpcHealthProbeOptions, GrpcHealthProbeOptionsValidator>(builder.Services, registrationName, configure);
        return ProbeRegistration.AddCheckPerRegistration(
            builder,
            registrationName,
            sp => new GrpcHealthProbeHealthCheck(
                ProbeRegistration.Options<GrpcHealthProbeOptions>(sp, registrationName),
                sp.GetService<TimeProvider>(),
                sp.GetService<ProbeMetrics>(),
                sp.GetService<ILoggerFactory>()?.CreateLogger<GrpcHealthProbeHealthCheck>()),
            failureStatus,
            tags,
            timeout);
    }
}
