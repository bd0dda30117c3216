using Corda.HighAvailability;
using Corda.HighAvailability.Checkpoints;
using Corda.HighAvailability.Checkpoints.Reading;
using Corda.HighAvailability.Checkpoints.Rules;
using Corda.HighAvailability.Checkpoints.Rules.BuiltIn;
using Corda.HighAvailability.Checkpoints.Telemetry;
using Corda.HighAvailability.Checkpoints.Verification;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the checkpoint-integrity verifier to <c>services.AddCordaHa(...)</c>.</summary>
public static class CheckpointVerificationCordaHaBuilderExtensions
{
    /// <summary>
    /// Adds an <see cref="ICheckpointVerifier"/> with the built-in rules. Choose a database with <c>UsePostgreSql</c> or <c>UseSqlServer</c>
    /// on the result. Options are validated when the host starts (and when the verifier is first resolved).
    /// </summary>
    /// <param name="builder">The Corda HA builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>A builder for the database and custom rules.</returns>
    public static CheckpointVerificationBuilder AddCheckpointVerification(this ICordaHaBuilder builder, Action<CheckpointVerificationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<CheckpointVerificationOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CheckpointVerificationOptions>, CheckpointVerificationOptionsValidator>());
        foreach (var rule in BuiltInCheckpointRules.All)
        {
            services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(ICheckpointRule), rule.GetType()));
        }

        services.TryAddSingleton<CheckpointVerificationMetrics>();
        services.TryAddSingleton<ICheckpointVerifier, CheckpointVerifier>();

        // Until a provider is chosen, resolving the database explains how to choose one.
        services.TryAddSingleton<CheckpointDatabase>(_ => throw new InvalidOperationException(
            "Checkpoint verification has no database: call UsePostgreSql(...), UseSqlServer(...) or UseDatabase(...) on the builder returned by AddCheckpointVerification()."));
        return new CheckpointVerificationBuilder(services);
    }
}
