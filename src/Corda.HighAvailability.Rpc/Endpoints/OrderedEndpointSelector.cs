using Corda.HighAvailability.Rpc.Transport;

namespace Corda.HighAvailability.Rpc.Endpoints;

/// <summary>
/// Tries the endpoints in their configured order, one per attempt, wrapping around. Sticky (the default), each
/// outage starts at the endpoint that was last connected: after a failover to the standby the client stays there,
/// even when the primary comes back, until the standby fails (an active/standby pair where the old primary
/// restarts as the new standby). Not sticky, each outage starts at the first endpoint again (a primary that is
/// preferred whenever it is up).
/// </summary>
public sealed class OrderedEndpointSelector : IRpcEndpointSelector
{
    /// <summary>Creates the selector.</summary>
    /// <param name="sticky">Start each outage at the endpoint last connected (default) rather than at the first one.</param>
    public OrderedEndpointSelector(bool sticky = true) => Sticky = sticky;

    /// <summary>Whether each outage starts at the endpoint last connected.</summary>
    public bool Sticky { get; }

    /// <inheritdoc />
    public RpcEndpoint Select(RpcEndpointSelectionContext context)
    {
        var endpoints = context.Endpoints;
        var start = Sticky ? Math.Max(0, context.IndexOf(context.LastConnected)) : 0;
        return endpoints[(int)((start + (long)context.FailedAttempts) % endpoints.Count)];
    }
}
