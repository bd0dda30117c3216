using Corda.HighAvailability.Rpc;
using Corda.HighAvailability.Rpc.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="ResilientRpcHealthCheck"/> in the Xabaril shape.</summary>
public static class ResilientRpcHealthCheckBuilderExtensions
{
    /// <summary>The prefix of the default registration name (followed by the connection's name).</summary>
    public const string DefaultNamePrefix = "corda-rpc-";

    /// <summary>
    /// Adds a check of the resilient connection <paramref name="connectionName"/> (registered with
    /// <c>AddResilientRpc</c>): Healthy when connected, Degraded while reconnecting, the failure status before the
    /// first connection and once closed. It reads the connection's state; it never opens a connection.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="connectionName">The connection's name.</param>
    /// <param name="name">Registration name; default <c>corda-rpc-</c> and the connection's name.</param>
    /// <param name="failureStatus">Status before the first connection and once closed; default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags, for example <c>ready</c>.</param>
    /// <param name="timeout">Check timeout.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddCordaRpcConnection(
        this IHealthChecksBuilder builder,
        string connectionName,
        string? name = default,
        HealthStatus? failureStatus = default,
        IEnumerable<string>? tags = default,
        TimeSpan? timeout = default)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);
        return builder.Add(new HealthCheckRegistration(
            name ?? DefaultNamePrefix + connectionName,
            sp => new ResilientRpcHealthCheck(sp.GetRequiredService<IResilientRpcConnectionFactory>().Get(connectionName)),
            failureStatus,
            tags,
            timeout));
    }
}
