using Corda.HighAvailability.Checkpoints.Reading;
using Corda.HighAvailability.Checkpoints.Rules;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Corda.HighAvailability.Checkpoints;

/// <summary>
/// Configures checkpoint verification: the database (<c>UsePostgreSql</c> or <c>UseSqlServer</c> from a provider package, or
/// <see cref="UseDatabase"/>) and custom rules.
/// </summary>
public sealed class CheckpointVerificationBuilder
{
    internal CheckpointVerificationBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection being configured.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Uses a custom <see cref="CheckpointDatabase"/>; provider packages call this from their <c>UseXxx</c> method.</summary>
    /// <param name="factory">Creates the database once per service provider.</param>
    /// <returns>This builder.</returns>
    public CheckpointVerificationBuilder UseDatabase(Func<IServiceProvider, CheckpointDatabase> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.RemoveAll<CheckpointDatabase>();
        Services.AddSingleton(factory);
        return this;
    }

    /// <summary>Adds a cross-table rule resolved from the container (see <see cref="ICheckpointRule"/>).</summary>
    /// <typeparam name="TRule">The rule type.</typeparam>
    /// <returns>This builder.</returns>
    public CheckpointVerificationBuilder AddCheckpointRule<TRule>()
        where TRule : class, ICheckpointRule
    {
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<ICheckpointRule, TRule>());
        return this;
    }

    /// <summary>Adds a cross-table rule instance (see <see cref="ICheckpointRule"/>).</summary>
    /// <param name="rule">The rule.</param>
    /// <returns>This builder.</returns>
    public CheckpointVerificationBuilder AddCheckpointRule(ICheckpointRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        Services.AddSingleton(rule);
        return this;
    }
}
