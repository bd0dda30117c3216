using Corda.HighAvailability.Rpc.Transport;

namespace Corda.HighAvailability.Rpc.Endpoints;

/// <summary>
/// Every attempt goes to the endpoint after the one tried last, wrapping around: a reconnect after a drop goes to the
/// next endpoint, not back to the one that just failed. This is what Corda's RPC client does with an
/// <c>haAddressPool</c> of servers that are not in HA mode ("the client will round-robin", in the KDoc of
/// <c>CordaRPCClient</c>, github.com/corda/corda, <c>client/rpc/src/main/kotlin/net/corda/client/rpc/CordaRPCClient.kt</c>).
/// </summary>
public sealed class RoundRobinEndpointSelector : IRpcEndpointSelector
{
    /// <inheritdoc />
    public RpcEndpoint Select(RpcEndpointSelectionContext context)
    {
        var index = context.IndexOf(context.LastAttempted);
        return context.Endpoints[(index + 1) % context.Endpoints.Count];
    }
}
