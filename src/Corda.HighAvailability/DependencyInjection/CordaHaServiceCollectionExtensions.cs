using Corda.HighAvailability;
using Corda.HighAvailability.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Entry point: <c>services.AddCordaHa(ha =&gt; ha.AddLeaseElection(...).UsePostgreSql(...))</c>.</summary>
public static class CordaHaServiceCollectionExtensions
{
    /// <summary>
    /// Registers the shared pieces of Corda.HighAvailability (the <see cref="TimeProvider"/> used for every
    /// timer and the diagnostics sources) and returns a builder that capability packages extend.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The builder, for chaining capability registrations.</returns>
    public static ICordaHaBuilder AddCordaHa(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        // A host may register its own TimeProvider (tests register FakeTimeProvider); keep it when present.
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CordaHaInstrumentation>();
        return new CordaHaBuilder(services);
    }

    /// <summary>Registers Corda.HighAvailability and lets <paramref name="configure"/> add capabilities.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adds capabilities to the builder.</param>
    /// <returns>The same service collection, for chaining.</returns>
    public static IServiceCollection AddCordaHa(this IServiceCollection services, Action<ICordaHaBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(services.AddCordaHa());
        return services;
    }
}
