using Corda.HighAvailability.Rpc.Transport;

namespace Corda.HighAvailability.Rpc.Endpoints;

/// <summary>
/// Chooses the endpoint of the next connection attempt: the failover order and stickiness policy. Built in:
/// <see cref="OrderedEndpointSelector"/> (primary first, optionally sticky), <see cref="RoundRobinEndpointSelector"/>
/// (a pool, as Corda's <c>haAddressPool</c> client does) and <see cref="LeaderEndpointSelector"/> (the current
/// leader's endpoint first). Called on the connection's supervising loop only, one call at a time.
/// </summary>
public interface IRpcEndpointSelector
{
    /// <summary>Chooses the endpoint for the next attempt.</summary>
    /// <param name="context">The endpoints and what happened so far in this outage.</param>
    /// <returns>One of <see cref="RpcEndpointSelectionContext.Endpoints"/>.</returns>
    RpcEndpoint Select(RpcEndpointSelectionContext context);
}
