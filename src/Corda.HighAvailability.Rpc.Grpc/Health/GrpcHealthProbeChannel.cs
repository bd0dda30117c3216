using System.Net.Http;
using System.Net.Sockets;
using Corda.HighAvailability.Rpc.Grpc.Tls;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Corda.HighAvailability.Rpc.Grpc.Health;

/// <summary>
/// The probe's one channel: HTTP/2 over a handler whose connections are counted as they are made (so that a probe
/// can say whether it ran on the kept connection), with, for <c>https://</c>, the transport's TLS client options and
/// handshake observer.
/// </summary>
internal sealed class GrpcHealthProbeChannel : IDisposable
{
    private readonly GrpcChannel _channel;

    public GrpcHealthProbeChannel(Uri address, GrpcHealthProbeOptions options, Action onConnected)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.Timeout,

            // Probes may be a minute or more apart: the handler's default would close the idle connection between
            // them (one minute), and every probe would then pay for a new connection (and TLS handshake).
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
                    onConnected();
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        if (string.Equals(address.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase))
        {
            var transportOptions = options.ToTransportOptions();
            Observer = new TlsHandshakeObserver(address.IdnHost, transportOptions);
            handler.SslOptions = TlsClientOptionsFactory.Create(transportOptions, Observer);
        }

        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
        Client = new global::Grpc.Health.V1.Health.HealthClient(_channel);
    }

    public global::Grpc.Health.V1.Health.HealthClient Client { get; }

    /// <summary>What the TLS handshake of this channel's connection found; <see langword="null"/> for <c>http://</c>.</summary>
    public TlsHandshakeObserver? Observer { get; }

    public void Dispose() => _channel.Dispose();
}
