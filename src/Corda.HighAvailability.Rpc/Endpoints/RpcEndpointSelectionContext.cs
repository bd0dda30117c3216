using Corda.HighAvailability.Rpc.Transport;

namespace Corda.HighAvailability.Rpc.Endpoints;

/// <summary>What an <see cref="IRpcEndpointSelector"/> knows when it chooses.</summary>
/// <param name="Endpoints">The configured endpoints, in their configured order; never empty.</param>
/// <param name="FailedAttempts">Attempts that failed since the last connection was lost (or since the start): 0 for the first attempt.</param>
/// <param name="LastConnected">The endpoint of the last connection that was established, if any.</param>
/// <param name="LastAttempted">The endpoint of the previous attempt or of the connection just lost, if any.</param>
public readonly record struct RpcEndpointSelectionContext(
    IReadOnlyList<RpcEndpoint> Endpoints,
    int FailedAttempts,
    RpcEndpoint? LastConnected,
    RpcEndpoint? LastAttempted)
{
    /// <summary>The position of <paramref name="endpoint"/> in <see cref="Endpoints"/> (by reference, then by name), or -1.</summary>
    /// <param name="endpoint">The endpoint to find.</param>
    /// <returns>Its index, or -1.</returns>
    public int IndexOf(RpcEndpoint? endpoint)
    {
        if (endpoint is null)
        {
            return -1;
        }

        for (var i = 0; i < Endpoints.Count; i++)
        {
            if (ReferenceEquals(Endpoints[i], endpoint) || string.Equals(Endpoints[i].Name, endpoint.Name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
