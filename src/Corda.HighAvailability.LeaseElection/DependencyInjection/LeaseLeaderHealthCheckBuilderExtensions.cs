using Corda.HighAvailability.LeaseElection;
using Corda.HighAvailability.LeaseElection.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="LeaseLeaderHealthCheck"/> in the Xabaril shape.</summary>
public static class LeaseLeaderHealthCheckBuilderExtensions
{
    /// <summary>The default registration name.</summary>
    public const string DefaultName = "corda-lease-leader";

    /// <summary>
    /// Adds a check that is Healthy only on the host holding the lease (for load-balancer routing to the
    /// active node). Requires <c>AddLeaseElection</c>.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">Registration name; default <c>corda-lease-leader</c>.</param>
    /// <param name="failureStatus">Status reported on a standby; default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags, for example <c>ready</c>.</param>
    /// <param name="timeout">Check timeout.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddCordaLeaseLeader(
        this IHealthChecksBuilder builder,
        string? name = default,
        HealthStatus? failureStatus = default,
        IEnumerable<string>? tags = default,
        TimeSpan? timeout = default)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(
            name ?? DefaultName,
            sp => new LeaseLeaderHealthCheck(sp.GetRequiredService<ILeaseElector>()),
            failureStatus,
            tags,
            timeout));
    }
}
