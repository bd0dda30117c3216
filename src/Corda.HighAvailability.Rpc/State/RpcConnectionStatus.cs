namespace Corda.HighAvailability.Rpc.State;

/// <summary>Where a resilient connection stands.</summary>
public enum RpcConnectionStatus
{
    /// <summary>Created; no connection attempted yet.</summary>
    NotStarted = 0,

    /// <summary>Making the first connection.</summary>
    Connecting = 1,

    /// <summary>Connected; calls go through.</summary>
    Connected = 2,

    /// <summary>The connection was just lost; a reconnection is about to be scheduled.</summary>
    Disconnected = 3,

    /// <summary>Waiting for, or making, a reconnection attempt after a loss.</summary>
    Reconnecting = 4,

    /// <summary>Closed for good: the application closed it, the initial connection failed, or the retry policy gave up.</summary>
    Closed = 5,
}
