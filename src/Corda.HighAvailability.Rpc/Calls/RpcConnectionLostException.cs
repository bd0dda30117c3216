using Corda.HighAvailability.Rpc.State;
using Corda.HighAvailability.Rpc.Transport;

namespace Corda.HighAvailability.Rpc.Calls;

/// <summary>
/// The connection was lost while the call was on it, and the call was not (or no longer) retried.
/// <see cref="MayHaveReachedServer"/> says whether the server may have run it: when true, find out (by the
/// <see cref="RequestId"/>, as Corda's <c>reattachFlowWithClientId</c> does) before running it again.
/// </summary>
public sealed class RpcConnectionLostException : RpcConnectionException
{
    /// <summary>Creates the exception.</summary>
    public RpcConnectionLostException()
        : base("The RPC connection was lost during the call.")
    {
        MayHaveReachedServer = true;
        RequestId = string.Empty;
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public RpcConnectionLostException(string message)
        : this(message, null)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public RpcConnectionLostException(string message, Exception? innerException)
        : base(message, innerException)
    {
        MayHaveReachedServer = true;
        RequestId = string.Empty;
    }

    /// <summary>Creates the exception for a call.</summary>
    /// <param name="message">The message.</param>
    /// <param name="connectionName">The resilient connection's name.</param>
    /// <param name="state">The connection's state.</param>
    /// <param name="mayHaveReachedServer">Whether the server may have run the call.</param>
    /// <param name="requestId">The call's request id.</param>
    /// <param name="endpoint">The endpoint of the connection that was lost.</param>
    /// <param name="attempts">Attempts made.</param>
    /// <param name="innerException">What the transport threw.</param>
    public RpcConnectionLostException(
        string message,
        string connectionName,
        RpcConnectionState state,
        bool mayHaveReachedServer,
        string requestId,
        RpcEndpoint? endpoint,
        int attempts,
        Exception? innerException)
        : base(message, connectionName, state, innerException)
    {
        MayHaveReachedServer = mayHaveReachedServer;
        RequestId = requestId;
        Endpoint = endpoint;
        Attempts = attempts;
    }

    /// <summary>
    /// Whether the request may have reached the server (the transport could not rule it out). False means it
    /// certainly did not, and the call can safely be made again.
    /// </summary>
    public bool MayHaveReachedServer { get; }

    /// <summary>The call's request id (the caller's, or the generated one), to ask the server what became of it.</summary>
    public string RequestId { get; }

    /// <summary>The endpoint of the connection that was lost.</summary>
    public RpcEndpoint? Endpoint { get; }

    /// <summary>Attempts made, the first included.</summary>
    public int Attempts { get; }
}
