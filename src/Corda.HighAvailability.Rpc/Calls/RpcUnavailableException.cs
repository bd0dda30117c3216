using Corda.HighAvailability.Rpc.State;

namespace Corda.HighAvailability.Rpc.Calls;

/// <summary>
/// A call was not made because there was no connection: the request never left this process, so it is safe to
/// retry later. <see cref="RetryAfter"/> is the time to the connection's next attempt (for an HTTP
/// <c>Retry-After</c> header), and <see cref="RpcConnectionException.State"/> says what is happening.
/// </summary>
public sealed class RpcUnavailableException : RpcConnectionException
{
    /// <summary>Creates the exception.</summary>
    public RpcUnavailableException()
        : base("The RPC connection is unavailable.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public RpcUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public RpcUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a connection.</summary>
    /// <param name="message">The message.</param>
    /// <param name="connectionName">The resilient connection's name.</param>
    /// <param name="state">The connection's state.</param>
    /// <param name="reason">Why the call was not made.</param>
    /// <param name="retryAfter">Time to the connection's next attempt, if one is scheduled.</param>
    public RpcUnavailableException(string message, string connectionName, RpcConnectionState state, RpcUnavailableReason reason, TimeSpan? retryAfter)
        : base(message, connectionName, state, state?.LastError)
    {
        Reason = reason;
        RetryAfter = retryAfter;
    }

    /// <summary>Why the call was not made.</summary>
    public RpcUnavailableReason Reason { get; }

    /// <summary>Time from the failure to the connection's next attempt, if one is scheduled; <see langword="null"/> when unknown or closed.</summary>
    public TimeSpan? RetryAfter { get; }
}
