using Corda.HighAvailability;
using Corda.HighAvailability.Diagnostics;
using Corda.HighAvailability.Rpc;
using Corda.HighAvailability.Rpc.Transport;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds named resilient RPC connections to <c>services.AddCordaHa(...)</c>.</summary>
public static class ResilientRpcCordaHaBuilderExtensions
{
    /// <summary>The logger category of resilient RPC connections.</summary>
    public const string LoggerCategory = "Corda.HighAvailability.Rpc.ResilientRpcConnection";

    /// <summary>
    /// Adds the resilient connection <paramref name="name"/> over the transport <paramref name="transport"/> builds.
    /// Resolve it with <see cref="IResilientRpcConnectionFactory"/> or as a keyed service
    /// (<see cref="ResilientRpcConnection{TClient}"/> or <see cref="IResilientRpcConnection"/> under the key
    /// <paramref name="name"/>). Its options (named <paramref name="name"/>) are validated when the host starts, and
    /// it connects then unless <see cref="ResilientRpcOptions.ConnectOnStart"/> is off.
    /// </summary>
    /// <typeparam name="TClient">The client type of the transport.</typeparam>
    /// <param name="builder">The Corda HA builder.</param>
    /// <param name="name">The connection's name; unique among the host's connections.</param>
    /// <param name="transport">Builds the transport, once.</param>
    /// <param name="configure">Sets the endpoints and policies.</param>
    /// <returns>The builder.</returns>
    public static ICordaHaBuilder AddResilientRpc<TClient>(
        this ICordaHaBuilder builder,
        string name,
        Func<IServiceProvider, IRpcTransport<TClient>> transport,
        Action<ResilientRpcOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(RpcConnectionRegistration) && d.ImplementationInstance is RpcConnectionRegistration r && r.Name == name))
        {
            throw new InvalidOperationException($"An RPC connection named '{name}' is already registered; give each connection its own name.");
        }

        services.AddOptions<ResilientRpcOptions>(name).Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ResilientRpcOptions>, ResilientRpcOptionsValidator>());
        // As AddCordaHa does: keep a host's own TimeProvider (tests register FakeTimeProvider).
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CordaHaInstrumentation>();
        services.AddSingleton(new RpcConnectionRegistration(name, typeof(TClient), sp => new ResilientRpcConnection<TClient>(
            name,
            transport(sp),
            sp.GetRequiredService<IOptionsMonitor<ResilientRpcOptions>>().Get(name),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger(LoggerCategory),
            sp.GetService<CordaHaInstrumentation>())));
        services.TryAddSingleton<ResilientRpcConnectionFactory>();
        services.TryAddSingleton<IResilientRpcConnectionFactory>(sp => sp.GetRequiredService<ResilientRpcConnectionFactory>());
        // The factory owns the connections (closes them); keyed registrations hand out the same instances.
        services.AddKeyedSingleton<ResilientRpcConnection<TClient>>(name, (sp, _) => sp.GetRequiredService<ResilientRpcConnectionFactory>().Get<TClient>(name));
        services.AddKeyedSingleton<IResilientRpcConnection>(name, (sp, _) => sp.GetRequiredService<ResilientRpcConnectionFactory>().Get(name));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ResilientRpcHostedService>());
        return builder;
    }

    /// <summary>
    /// Adds the resilient connection <paramref name="name"/> over a transport of type <typeparamref name="TTransport"/>,
    /// created from the container (its constructor's parameters are resolved as services).
    /// </summary>
    /// <typeparam name="TClient">The client type of the transport.</typeparam>
    /// <typeparam name="TTransport">The transport type.</typeparam>
    /// <param name="builder">The Corda HA builder.</param>
    /// <param name="name">The connection's name; unique among the host's connections.</param>
    /// <param name="configure">Sets the endpoints and policies.</param>
    /// <returns>The builder.</returns>
    public static ICordaHaBuilder AddResilientRpc<TClient, TTransport>(this ICordaHaBuilder builder, string name, Action<ResilientRpcOptions> configure)
        where TTransport : class, IRpcTransport<TClient> =>
        builder.AddResilientRpc(name, sp => ActivatorUtilities.CreateInstance<TTransport>(sp), configure);
}
