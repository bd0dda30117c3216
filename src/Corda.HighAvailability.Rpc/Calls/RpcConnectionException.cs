using Corda.HighAvailability.Rpc.State;

namespace Corda.HighAvailability.Rpc.Calls;

/// <summary>
/// A call failed because of the connection, not because of the server's answer: it could not be made
/// (<see cref="RpcUnavailableException"/>) or its connection was lost (<see cref="RpcConnectionLostException"/>).
/// </summary>
public abstract class RpcConnectionException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected RpcConnectionException()
        : this("The RPC connection failed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    protected RpcConnectionException(string message)
        : this(message, null)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    protected RpcConnectionException(string message, Exception? innerException)
        : this(message, string.Empty, RpcConnectionState.NotStarted, innerException)
    {
    }

    /// <summary>Creates the exception for a connection.</summary>
    /// <param name="message">The message.</param>
    /// <param name="connectionName">The resilient connection's name.</param>
    /// <param name="state">The connection's state when the call failed.</param>
    /// <param name="innerException">The cause.</param>
    protected RpcConnectionException(string message, string connectionName, RpcConnectionState state, Exception? innerException)
        : base(message, innerException)
    {
        ConnectionName = connectionName;
        State = state;
    }

    /// <summary>The resilient connection's name.</summary>
    public string ConnectionName { get; }

    /// <summary>The connection's state when the call failed.</summary>
    public RpcConnectionState State { get; }
}
