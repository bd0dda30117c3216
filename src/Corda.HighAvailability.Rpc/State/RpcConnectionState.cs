using Corda.HighAvailability.Rpc.Transport;

namespace Corda.HighAvailability.Rpc.State;

/// <summary>
/// An immutable snapshot of a resilient connection's state. <see cref="ResilientRpcConnection{TClient}.State"/>
/// returns the latest one at any time (a volatile read); each <see cref="RpcConnectionEvent"/> carries the one it
/// produced.
/// </summary>
public sealed record RpcConnectionState
{
    /// <summary>The state of a connection that has not started.</summary>
    public static RpcConnectionState NotStarted { get; } = new();

    /// <summary>Where the connection stands.</summary>
    public RpcConnectionStatus Status { get; init; }

    /// <summary>The connected endpoint; while connecting, the endpoint of the next attempt; after a loss, the lost one.</summary>
    public RpcEndpoint? Endpoint { get; init; }

    /// <summary>While connecting or reconnecting, the number of the next attempt in this outage (1 for the first); otherwise 0.</summary>
    public int Attempt { get; init; }

    /// <summary>While connecting or reconnecting, the delay the retry policy chose before the next attempt.</summary>
    public TimeSpan? NextDelay { get; init; }

    /// <summary>While connecting or reconnecting, when the next attempt starts.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>When the connection was established (while connected).</summary>
    public DateTimeOffset? ConnectedSince { get; init; }

    /// <summary>When the connection was lost (while disconnected, reconnecting, or closed after a loss).</summary>
    public DateTimeOffset? DisconnectedSince { get; init; }

    /// <summary>Why the connection was lost or closed, or why the last attempt failed.</summary>
    public string? Reason { get; init; }

    /// <summary>The error behind <see cref="Reason"/>, if any.</summary>
    public Exception? LastError { get; init; }

    /// <summary>Whether a connection has ever been established (so that a wait is a reconnection, not a first start).</summary>
    public bool HasConnected { get; init; }

    /// <summary>When this snapshot was taken.</summary>
    public DateTimeOffset ChangedAt { get; init; }
}
