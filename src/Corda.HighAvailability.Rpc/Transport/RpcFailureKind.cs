namespace Corda.HighAvailability.Rpc.Transport;

/// <summary>How a failed call failed, as <see cref="IRpcTransport{TClient}.Classify"/> tells it.</summary>
public enum RpcFailureKind
{
    /// <summary>An application or server error on a working connection: passed to the caller unchanged, never retried.</summary>
    NotConnectionFailure = 0,

    /// <summary>The connection was lost before the request left this process: the server cannot have run it.</summary>
    ConnectionLostBeforeSend = 1,

    /// <summary>The connection was lost after the request may have been sent: the server may have run it.</summary>
    ConnectionLostAfterSend = 2,
}
