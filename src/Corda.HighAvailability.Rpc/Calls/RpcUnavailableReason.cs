namespace Corda.HighAvailability.Rpc.Calls;

/// <summary>Why a call could not be made.</summary>
public enum RpcUnavailableReason
{
    /// <summary>Disconnected, and the call fails fast (it may not wait).</summary>
    Disconnected = 0,

    /// <summary>The call waited for a connection as long as it was allowed to.</summary>
    WaitTimedOut = 1,

    /// <summary>Too many calls were already waiting for a connection (<see cref="ResilientRpcOptions.MaxWaitingCalls"/>).</summary>
    BacklogFull = 2,

    /// <summary>The connection is closed for good.</summary>
    Closed = 3,
}
