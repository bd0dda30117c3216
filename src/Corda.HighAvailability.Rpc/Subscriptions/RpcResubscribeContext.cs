using Corda.HighAvailability.Rpc.Transport;

namespace Corda.HighAvailability.Rpc.Subscriptions;

/// <summary>What a subscription hook learns each time it runs on a new connection.</summary>
public sealed class RpcResubscribeContext
{
    internal RpcResubscribeContext(RpcEndpoint endpoint, bool isReconnect, DateTimeOffset? disconnectedSince, TimeSpan? gap)
    {
        Endpoint = endpoint;
        IsReconnect = isReconnect;
        DisconnectedSince = disconnectedSince;
        Gap = gap;
    }

    /// <summary>The endpoint of the new connection.</summary>
    public RpcEndpoint Endpoint { get; }

    /// <summary>Whether this connection replaces a lost one (false on the first connection, and for a hook added while connected).</summary>
    public bool IsReconnect { get; }

    /// <summary>
    /// True after a gap: events published while there was no connection (or before the old connection's loss was
    /// noticed) are lost, as Corda says of its re-subscribing observables ("There is no guarantee that observations
    /// will not be lost"). Take a fresh snapshot and de-duplicate what it replays.
    /// </summary>
    public bool MayHaveMissedEvents => IsReconnect;

    /// <summary>When the previous connection was lost, on a reconnection.</summary>
    public DateTimeOffset? DisconnectedSince { get; }

    /// <summary>How long there was no connection, on a reconnection.</summary>
    public TimeSpan? Gap { get; }
}
