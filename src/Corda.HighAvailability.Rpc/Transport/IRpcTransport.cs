namespace Corda.HighAvailability.Rpc.Transport;

/// <summary>
/// What <see cref="ResilientRpcConnection{TClient}"/> needs from an RPC stack: open one physical connection to an
/// endpoint, and tell a lost connection apart from an application error. Implement it over gRPC, a socket protocol,
/// or anything else that gives a client object; the resilient connection does the reconnecting, failover,
/// waiting and state reporting.
/// </summary>
/// <typeparam name="TClient">The client object calls are made on (a gRPC client, a proxy, a socket wrapper).</typeparam>
public interface IRpcTransport<TClient>
{
    /// <summary>
    /// Opens a physical connection to <paramref name="endpoint"/> and returns it once it is usable (ideally proven
    /// by a round trip, as Corda's reconnecting client does). Throw when it cannot be made; the resilient connection
    /// applies its timeout through <paramref name="cancellationToken"/>.
    /// </summary>
    /// <param name="endpoint">Where to connect.</param>
    /// <param name="cancellationToken">Cancelled on timeout or when the resilient connection closes.</param>
    /// <returns>The open connection.</returns>
    ValueTask<IRpcTransportConnection<TClient>> ConnectAsync(RpcEndpoint endpoint, CancellationToken cancellationToken);

    /// <summary>
    /// Classifies an exception thrown by a call made on one of this transport's clients: an application error
    /// (<see cref="RpcFailureKind.NotConnectionFailure"/>, passed to the caller unchanged), or a lost connection,
    /// saying whether the request can have reached the server. When unsure, answer
    /// <see cref="RpcFailureKind.ConnectionLostAfterSend"/>: the caller is then told the call may have run.
    /// </summary>
    /// <param name="exception">What the call threw.</param>
    /// <returns>The kind of failure.</returns>
    RpcFailureKind Classify(Exception exception);
}
