using Corda.HighAvailability.LeaseElection;
using Corda.HighAvailability.LeaseElection.CordaMutualExclusion;
using Corda.HighAvailability.LeaseElection.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="CordaMutualExclusionAgreementHealthCheck"/> in the Xabaril shape.</summary>
public static class CordaMutualExclusionHealthCheckBuilderExtensions
{
    /// <summary>The default registration name.</summary>
    public const string DefaultName = "corda-mutual-exclusion-agreement";

    /// <summary>
    /// Adds a check that compares this library's lease with Corda Enterprise's <c>node_mutual_exclusion</c> row.
    /// Requires <c>AddLeaseElection</c> with a store, and an <see cref="ICordaMutualExclusionReader"/> (for example
    /// <c>AddPostgreSqlCordaMutualExclusionReader</c>).
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="waitInterval">Corda's configured <c>waitInterval</c>; default 40 s, the value in Corda's documentation.</param>
    /// <param name="name">Registration name; default <c>corda-mutual-exclusion-agreement</c>.</param>
    /// <param name="failureStatus">Status when the guards name different machines; default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags.</param>
    /// <param name="timeout">Check timeout.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddCordaMutualExclusionAgreement(
        this IHealthChecksBuilder builder,
        TimeSpan? waitInterval = default,
        string? name = default,
        HealthStatus? failureStatus = default,
        IEnumerable<string>? tags = default,
        TimeSpan? timeout = default)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var wait = waitInterval ?? CordaMutualExclusionDefaults.WaitInterval;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(wait, TimeSpan.Zero, nameof(waitInterval));
        return builder.Add(new HealthCheckRegistration(
            name ?? DefaultName,
            sp => new CordaMutualExclusionAgreementHealthCheck(
                sp.GetRequiredService<ILeaseStore>(),
                sp.GetRequiredService<ICordaMutualExclusionReader>(),
                sp.GetRequiredService<IOptions<LeaseElectionOptions>>().Value.LeaseName,
                wait),
            failureStatus,
            tags,
            timeout));
    }
}
