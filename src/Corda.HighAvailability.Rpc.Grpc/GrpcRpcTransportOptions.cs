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
}
