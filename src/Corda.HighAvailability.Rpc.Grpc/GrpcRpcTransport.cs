using System.Net.Http;
using Corda.HighAvailability.Rpc.Grpc.Tls;
using Corda.HighAvailability.Rpc.Transport;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Corda.HighAvailability.Rpc.Grpc;

/// <summary>
/// The gRPC transport of <see cref="ResilientRpcConnection{TClient}"/>: each physical connection is its own
/// <see cref="GrpcChannel"/> (HTTP/2 over <see cref="SocketsHttpHandler"/> with keep-alive pings), connected before
/// use (for <c>https://</c>, through the TLS handshake: see <see cref="GrpcRpcTransportOptions"/> for trust and client
/// certificates), and reported dead as soon as the channel leaves the Ready state or, where the server offers the
/// standard health service, as soon as its watch of that service fails, ends or reports anything but SERVING.
/// </summary>
/// <typeparam name="TClient">The client calls are made on, for example a generated <c>Node.NodeClient</c>.</typeparam>
public sealed class GrpcRpcTransport<TClient> : IRpcTransport<TClient>
{
    private readonly Func<CallInvoker, TClient> _clientFactory;
    private readonly GrpcRpcTransportOptions _options;
    private readonly Action<GrpcChannelOptions>? _configureChannel;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates the transport.</summary>
    /// <param name="clientFactory">Creates the client over a channel's invoker, for example <c>invoker =&gt; new Node.NodeClient(invoker)</c>.</param>
    /// <param name="options">The channel settings; <see langword="null"/> for the defaults. Validated here.</param>
    /// <param name="configureChannel">Adjusts each channel's options (credentials, message sizes, interceptors), after this transport has set its own.</param>
    /// <param name="logger">Logs what the transport decides by itself (a server without the health service, a re-opened health watch); <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The clock for the health watch's re-open rule; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    public GrpcRpcTransport(Func<CallInvoker, TClient> clientFactory, GrpcRpcTransportOptions? options = null, Action<GrpcChannelOptions>? configureChannel = null, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(clientFactory);
        options ??= new GrpcRpcTransportOptions();
        var validation = new GrpcRpcTransportOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new ArgumentException(validation.FailureMessage, nameof(options));
        }

        _clientFactory = clientFactory;
        _options = options;
        _configureChannel = configureChannel;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public async ValueTask<IRpcTransportConnection<TClient>> ConnectAsync(RpcEndpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var address = endpoint.Address ?? throw new ArgumentException($"Endpoint '{endpoint.Name}' has no address.", nameof(endpoint));
        var tls = string.Equals(address.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase);
        if (!tls && _options.HasTlsSettings)
        {
            throw new InvalidOperationException(
                $"Endpoint {endpoint} is not https://, but GrpcRpcTransportOptions has TLS settings (ClientCertificate, TrustedCertificateAuthorities, ServerCertificateValidation or ConfigureSsl): they would be ignored. Use an https:// address.");
        }

        var observer = tls ? new TlsHandshakeObserver(address.IdnHost, _options) : null;
        var channel = GrpcChannel.ForAddress(address, ChannelOptions(observer));
        try
        {
            // Connects now, so that a dead endpoint fails here and not at the first call. The channel itself would
            // retry a refused connection until the timeout; the first TransientFailure ends this attempt instead, so
            // that the resilient connection's policy and endpoint selector decide what comes next.
            var connect = channel.ConnectAsync(cancellationToken);
            _ = connect.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            var state = channel.State;
            while (state != ConnectivityState.Ready)
            {
                if (state is ConnectivityState.TransientFailure or ConnectivityState.Shutdown)
                {
                    throw new IOException($"Could not connect to {endpoint}: the gRPC channel is in {state}.");
                }

                await channel.WaitForStateChangedAsync(state, cancellationToken).ConfigureAwait(false);
                state = channel.State;
            }

            if (observer is not null)
            {
                await HandshakeCall.RunAsync(channel, endpoint, observer, cancellationToken).ConfigureAwait(false);
            }

            // The socket is connected (and TLS set up); with the health watch, the attempt completes only once the
            // server says SERVING (bounded by the resilient connection's ConnectTimeout, through the token).
            var health = _options.HealthWatch == GrpcHealthWatchMode.Off
                ? null
                : await GrpcHealthWatch.StartAsync(channel, endpoint, _options, _logger, _time, cancellationToken).ConfigureAwait(false);
            return new GrpcRpcTransportConnection<TClient>(channel, _clientFactory, health);
        }
        catch
        {
            channel.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public RpcFailureKind Classify(Exception exception) => GrpcFailureClassifier.Classify(exception);

    private GrpcChannelOptions ChannelOptions(TlsHandshakeObserver? observer)
    {
        var handler = new SocketsHttpHandler
        {
            KeepAlivePingDelay = _options.KeepAlivePingDelay,
            KeepAlivePingTimeout = _options.KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            ConnectTimeout = _options.ConnectTimeout,
            EnableMultipleHttp2Connections = true,

            // The handler would close an HTTP/2 connection without streams after a minute (its default), which the
            // channel reports as leaving Ready: a live server's connection lost for nothing, every idle minute, on a
            // server without the health service (whose open stream otherwise keeps the connection busy). A dead
            // connection is found by the keep-alive pings instead.
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        };
        if (observer is not null)
        {
            handler.SslOptions = TlsClientOptionsFactory.Create(_options, observer);
        }

        var channelOptions = new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            // The caller's cancellation and deadline then surface as OperationCanceledException, which the resilient
            // connection tells apart from a lost connection by the caller's token.
            ThrowOperationCanceledOnCancellation = true,
            MaxReceiveMessageSize = _options.MaxReceiveMessageSize ?? 4 * 1024 * 1024,
        };
        _configureChannel?.Invoke(channelOptions);
        return channelOptions;
    }
}
