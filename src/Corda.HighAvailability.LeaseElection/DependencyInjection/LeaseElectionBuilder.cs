using Corda.HighAvailability.LeaseElection.Hosting;
using Corda.HighAvailability.LeaseElection.Policies;
using Corda.HighAvailability.LeaseElection.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Corda.HighAvailability.LeaseElection;

/// <summary>
/// Configures lease election: the database provider (<c>UseSqlite</c>, <c>UsePostgreSql</c> from the provider
/// packages, or <see cref="UseStore"/>), failover policies, and services that run only while this host leads.
/// </summary>
public sealed class LeaseElectionBuilder
{
    internal LeaseElectionBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection being configured.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Uses a custom <see cref="ILeaseStore"/>; provider packages call this from their <c>UseXxx</c> method.</summary>
    /// <param name="factory">Creates the store once per service provider.</param>
    /// <returns>This builder.</returns>
    public LeaseElectionBuilder UseStore(Func<IServiceProvider, ILeaseStore> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.RemoveAll<ILeaseStore>();
        Services.AddSingleton(factory);
        return this;
    }

    /// <summary>Adds a failover policy resolved from the container (see <see cref="FailoverPolicy"/>).</summary>
    /// <typeparam name="TPolicy">The policy type.</typeparam>
    /// <returns>This builder.</returns>
    public LeaseElectionBuilder AddFailoverPolicy<TPolicy>()
        where TPolicy : FailoverPolicy
    {
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<FailoverPolicy, TPolicy>());
        return this;
    }

    /// <summary>Adds a failover policy instance (see <see cref="FailoverPolicy"/>).</summary>
    /// <param name="policy">The policy.</param>
    /// <returns>This builder.</returns>
    public LeaseElectionBuilder AddFailoverPolicy(FailoverPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        Services.AddSingleton(policy);
        return this;
    }

    /// <summary>
    /// Runs <typeparamref name="TService"/> only while this host leads: a new instance is created and started
    /// each time leadership is gained, and stopped (its stopping token cancelled) when it is lost. The lease is
    /// released on shutdown only after the service has stopped.
    /// </summary>
    /// <typeparam name="TService">A hosted service, typically a <see cref="BackgroundService"/>.</typeparam>
    /// <returns>This builder.</returns>
    public LeaseElectionBuilder RunWhileLeader<TService>()
        where TService : class, IHostedService
    {
        Services.AddSingleton<ILeadershipObserver, LeaderOnlyServiceRunner<TService>>();
        return this;
    }
}
