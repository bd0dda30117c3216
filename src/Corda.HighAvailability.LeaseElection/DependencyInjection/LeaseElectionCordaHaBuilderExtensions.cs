using Corda.HighAvailability;
using Corda.HighAvailability.LeaseElection;
using Corda.HighAvailability.LeaseElection.Fencing;
using Corda.HighAvailability.LeaseElection.Hosting;
using Corda.HighAvailability.LeaseElection.Storage;
using Corda.HighAvailability.LeaseElection.Telemetry;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds lease election to <c>services.AddCordaHa(...)</c>.</summary>
public static class LeaseElectionCordaHaBuilderExtensions
{
    /// <summary>
    /// Adds lease election: an <see cref="ILeaseElector"/>, an <see cref="ILeaseFence"/> (SQL stores) and
    /// <see cref="ILeaseFence{TWrite}"/> (any store with fenced writes of that kind), and the hosted service
    /// that runs the election. Choose a database with <c>UseSqlite</c> or <c>UsePostgreSql</c> on the result.
    /// Options are validated when the host starts.
    /// </summary>
    /// <param name="builder">The Corda HA builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>A builder for the provider, policies and leader-only services.</returns>
    public static LeaseElectionBuilder AddLeaseElection(this ICordaHaBuilder builder, Action<LeaseElectionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<LeaseElectionOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LeaseElectionOptions>, LeaseElectionOptionsValidator>());
        services.TryAddSingleton<LeaseElectionMetrics>();
        services.TryAddSingleton<LeaseElector>();
        services.TryAddSingleton<ILeaseElector>(sp => sp.GetRequiredService<LeaseElector>());
        services.TryAddSingleton<ILeaseFence, LeaseFence>();
        services.TryAddSingleton(typeof(ILeaseFence<>), typeof(LeaseFence<>));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LeaseElectionHostedService>());

        // Until a provider is chosen, resolving the store explains how to choose one (the hosted service resolves it at start).
        services.TryAddSingleton<ILeaseStore>(_ => throw new InvalidOperationException(
            "Lease election has no database: call UseSqlite(...), UsePostgreSql(...) or UseStore(...) on the builder returned by AddLeaseElection()."));
        return new LeaseElectionBuilder(services);
    }
}
