using Corda.HighAvailability.LeaseElection.Hosting;
using Corda.HighAvailability.LeaseElection.Policies;
using Corda.HighAvailability.LeaseElection.Storage;
using Corda.HighAvailability.LeaseElection.Supervision;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.LeaseElection;

/// <summary>Runs a node process only while this host leads (see README, "Node supervisor").</summary>
public static class LeaseElectionBuilderNodeExtensions
{
    /// <summary>
    /// Runs a process (the Corda node) only while this host holds the lease, through a guard process that kills it
    /// before the lease can lapse even when this process is killed, stopped or starved. Options are validated at
    /// start-up against the lease timings. Adds <see cref="INodeSupervisor"/> and, unless turned off,
    /// <see cref="NodeCrashFailoverPolicy"/>.
    /// </summary>
    /// <param name="builder">The lease election builder.</param>
    /// <param name="configure">Configures the process.</param>
    /// <returns>The builder.</returns>
    public static LeaseElectionBuilder RunProcessWhileLeader(this LeaseElectionBuilder builder, Action<NodeProcessOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<NodeProcessOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NodeProcessOptions>, NodeProcessOptionsValidator>());
        services.TryAddSingleton<NodeSupervisor>();
        services.TryAddSingleton<INodeSupervisor>(sp => sp.GetRequiredService<NodeSupervisor>());
        services.AddSingleton<ILeadershipObserver>(sp => sp.GetRequiredService<NodeSupervisor>());
        services.AddSingleton<FailoverPolicy, NodeSupervisorFailoverPolicy>();
        services.AddHostedService<NodeGuardWarmer>();

        var probe = new NodeProcessOptions();
        configure(probe);
        if (probe.UseCrashFailoverPolicy)
        {
            services.AddSingleton<FailoverPolicy>(sp =>
            {
                var options = sp.GetRequiredService<IOptions<NodeProcessOptions>>().Value;
                return new NodeCrashFailoverPolicy(Math.Max(1, options.MaxCrashes), options.CrashWindow > TimeSpan.Zero ? options.CrashWindow : TimeSpan.FromMinutes(10));
            });
        }

        return builder;
    }

    /// <summary>Adds a pre-start gate resolved from the container (see <see cref="IPreStartGate"/>).</summary>
    /// <typeparam name="TGate">The gate type.</typeparam>
    /// <param name="builder">The lease election builder.</param>
    /// <returns>The builder.</returns>
    public static LeaseElectionBuilder AddPreStartGate<TGate>(this LeaseElectionBuilder builder)
        where TGate : class, IPreStartGate
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IPreStartGate, TGate>());
        return builder;
    }

    /// <summary>Adds a pre-start gate given as a delegate: return <see cref="PreStartGateResult.Refuse"/> to keep the node down.</summary>
    /// <param name="builder">The lease election builder.</param>
    /// <param name="check">The check.</param>
    /// <returns>The builder.</returns>
    public static LeaseElectionBuilder AddPreStartGate(this LeaseElectionBuilder builder, Func<IServiceProvider, LeaseToken, CancellationToken, ValueTask<PreStartGateResult>> check)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(check);
        builder.Services.AddSingleton<IPreStartGate>(sp => new DelegatePreStartGate(check, sp));
        return builder;
    }
}
