namespace Corda.HighAvailability.Rpc.State;

/// <summary>What happened to a resilient connection.</summary>
public enum RpcConnectionEventKind
{
    /// <summary>An attempt at the first connection is scheduled (attempt, delay and endpoint in the state).</summary>
    Connecting = 0,

    /// <summary>The first connection is established.</summary>
    Connected = 1,

    /// <summary>The connection was lost (the reason in the state).</summary>
    Disconnected = 2,

    /// <summary>A reconnection attempt is scheduled (attempt, delay and endpoint in the state).</summary>
    Reconnecting = 3,

    /// <summary>A connection is established again after a loss (endpoint in the state).</summary>
    Reconnected = 4,

    /// <summary>The connection closed for good (the reason in the state).</summary>
    Closed = 5,
}
