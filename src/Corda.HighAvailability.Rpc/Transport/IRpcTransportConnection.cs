namespace Corda.HighAvailability.Rpc.Transport;

/// <summary>
/// One physical connection made by an <see cref="IRpcTransport{TClient}"/>. It must fail its in-flight calls when it
/// dies (an RPC stack does so by itself: a closed socket fails the pending reads), and complete
/// <see cref="Closed"/> as soon as it knows it is dead, so that the resilient connection reconnects at once rather
/// than at the next call.
/// </summary>
/// <typeparam name="TClient">The client type.</typeparam>
public interface IRpcTransportConnection<out TClient> : IAsyncDisposable
{
    /// <summary>The client calls are made on while this connection lives.</summary>
    TClient Client { get; }

    /// <summary>
    /// Completes when the connection has died, with the reason (the socket error, the server's goodbye). It never
    /// faults. A connection that cannot detect its own death on an idle line should complete it from a heartbeat.
    /// </summary>
    Task<Exception?> Closed { get; }
}
