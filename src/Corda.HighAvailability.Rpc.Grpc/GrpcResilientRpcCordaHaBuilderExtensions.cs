using Corda.HighAvailability;
using Corda.HighAvailability.Rpc;
using Corda.HighAvailability.Rpc.Grpc;
using Corda.HighAvailability.Rpc.Grpc.Tls;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds named resilient RPC connections over gRPC to <c>services.AddCordaHa(...)</c>.</summary>
public static class GrpcResilientRpcCordaHaBuilderExtensions
{
    /// <summary>
    /// Adds the resilient connection <paramref name="name"/> over <see cref="GrpcRpcTransport{TClient}"/>, as
    /// <c>AddResilientRpc</c> does. The transport's options (named <paramref name="name"/>) are validated when the
    /// host starts, with the connection's.
    /// </summary>
    /// <typeparam name="TClient">The gRPC client type, for example a generated <c>Node.NodeClient</c>.</typeparam>
    /// <param name="builder">The Corda HA builder.</param>
    /// <param name="name">The connection's name; unique among the host's connections.</param>
    /// <param name="clientFactory">Creates the client over a channel's invoker: <c>invoker =&gt; new Node.NodeClient(invoker)</c>.</param>
    /// <param name="configure">Sets the endpoints (<c>http://</c> or <c>https://</c> addresses) and policies.</param>
    /// <param name="configureTransport">Sets keep-alive and connect timeouts, and TLS (trusted CAs, a client certificate for
    /// mutual TLS); <see langword="null"/> for the defaults. With TLS settings every endpoint must be <c>https://</c>
    /// (checked at start).</param>
    /// <returns>The builder.</returns>
    public static ICordaHaBuilder AddGrpcResilientRpc<TClient>(
        this ICordaHaBuilder builder,
        string name,
        Func<CallInvoker, TClient> clientFactory,
        Action<ResilientRpcOptions> configure,
        Action<GrpcRpcTransportOptions>? configureTransport = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(clientFactory);
        var transportOptions = builder.Services.AddOptions<GrpcRpcTransportOptions>(name).ValidateOnStart();
        if (configureTransport is not null)
        {
            transportOptions.Configure(configureTransport);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrpcRpcTransportOptions>, GrpcRpcTransportOptionsValidator>());
        builder.Services.AddSingleton<IValidateOptions<ResilientRpcOptions>>(sp => new TlsEndpointSchemeValidator(name, sp.GetRequiredService<IOptionsMonitor<GrpcRpcTransportOptions>>()));
        return builder.AddResilientRpc(
            name,
            sp => new GrpcRpcTransport<TClient>(
                clientFactory,
                sp.GetRequiredService<IOptionsMonitor<GrpcRpcTransportOptions>>().Get(name),
                logger: sp.GetService<ILoggerFactory>()?.CreateLogger("Corda.HighAvailability.Rpc.Grpc"),
                timeProvider: sp.GetService<TimeProvider>()),
            configure);
    }
}
