using Corda.HighAvailability.Checkpoints;
using Corda.HighAvailability.Checkpoints.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="CheckpointIntegrityHealthCheck"/> in the Xabaril shape.</summary>
public static class CheckpointIntegrityHealthCheckBuilderExtensions
{
    /// <summary>The default registration name.</summary>
    public const string DefaultName = "corda-checkpoint-integrity";

    /// <summary>
    /// Adds the pre-promotion gate: unhealthy when the checkpoint tables have any error finding. Requires
    /// <c>AddCheckpointVerification</c>. Each run reads every table: do not use it as a frequent probe.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">Registration name; default <c>corda-checkpoint-integrity</c>.</param>
    /// <param name="failureStatus">Status reported on errors; default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags, for example <c>pre-promotion</c>.</param>
    /// <param name="timeout">Check timeout.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddCordaCheckpointIntegrity(
        this IHealthChecksBuilder builder,
        string? name = default,
        HealthStatus? failureStatus = default,
        IEnumerable<string>? tags = default,
        TimeSpan? timeout = default)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(
            name ?? DefaultName,
            sp => new CheckpointIntegrityHealthCheck(sp.GetRequiredService<ICheckpointVerifier>()),
            failureStatus,
            tags,
            timeout));
    }
}
