namespace Corda.HighAvailability.Rpc.Grpc;

/// <summary>Whether each physical connection watches the server's standard gRPC health service (<c>grpc.health.v1.Health/Watch</c>).</summary>
public enum GrpcHealthWatchMode
{
    /// <summary>
    /// No watch: a connection is ready once its socket is connected, and its loss is known from the channel's state
    /// alone (a connection on which no call was ever made is checked only every 5 s by Grpc.Net.Client, and a silent
    /// host is found only once a call has opened the HTTP/2 connection that keep-alive pings run on).
    /// </summary>
    Off = 0,

    /// <summary>
    /// Watch when the server offers the health service; a server answering <c>Unimplemented</c> is used without the
    /// watch (logged), as with <see cref="Off"/>. The default.
    /// </summary>
    WhenAvailable = 1,

    /// <summary>A server without the health service is refused: its connect attempt fails.</summary>
    Required = 2,
}
