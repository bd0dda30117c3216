namespace Corda.HighAvailability.Rpc.Grpc;

/// <summary>How <see cref="GrpcRpcTransport{TClient}"/> builds each channel.</summary>
public sealed class GrpcRpcTransportOptions
{
    /// <summary>The longest accepted interval or timeout: one hour.</summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromHours(1);

    /// <summary>
    /// How long the HTTP/2 connection may be idle before the client sends a keep-alive ping. Pings are what find a
    /// dead server on an idle connection (a killed host sends no FIN). Default 10 seconds.
    /// </summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a keep-alive ping may go unanswered before the connection is dropped. Default 5 seconds.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long establishing the TCP (and TLS) connection may take. Default 5 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The largest message the client accepts, in bytes; <see langword="null"/> for gRPC's default (4 MB).</summary>
    public int? MaxReceiveMessageSize { get; set; }

    /// <summary>
    /// Whether each connection watches the server's standard health service (<c>grpc.health.v1.Health/Watch</c>, a
    /// server stream held open for the connection's life). With the watch, a connect attempt completes only once the
    /// service reports <c>SERVING</c> (a server reporting anything else is left for the next endpoint), and the
    /// connection is lost as soon as the stream fails or ends (a killed server: at once; a silent host: after the
    /// keep-alive ping's delay and timeout, since the stream keeps the HTTP/2 connection that pings run on open) or
    /// the service reports <c>NOT_SERVING</c> or <c>SERVICE_UNKNOWN</c>. Default
    /// <see cref="GrpcHealthWatchMode.WhenAvailable"/>: servers without the health service keep working, without the watch.
    /// </summary>
    public GrpcHealthWatchMode HealthWatch { get; set; } = GrpcHealthWatchMode.WhenAvailable;

    /// <summary>
    /// The service name the watch asks about; the empty string (default) is the server's overall health, by the
    /// health protocol's convention.
    /// </summary>
    public string HealthService { get; set; } = string.Empty;
}
