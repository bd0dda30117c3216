using Corda.HighAvailability.Rpc.Calls;

namespace Corda.Samples.RestGateway.Node;

/// <summary>The gateway's one resilient connection to the node, and how its kinds of call behave.</summary>
public static class NodeConnection
{
    /// <summary>The connection's name: its options name, keyed-service key and health check data.</summary>
    public const string Name = "node";

    /// <summary>
    /// Reads: idempotent, so the library may retry one that was cut by a connection loss on the next connection
    /// (when the configured wait allows it). How long a call may wait comes from the connection's defaults
    /// (<see cref="NodeRpcSettings.WaitForConnection"/>). Shared: call options are immutable.
    /// </summary>
    public static RpcCallOptions Read { get; } = new() { Idempotent = true };

    /// <summary>
    /// A flow start under the caller's Idempotency-Key: the proxy de-duplicates by it (Corda's flow client id), so
    /// the library may retry it as safely as a read.
    /// </summary>
    /// <param name="idempotencyKey">The caller's key, already validated.</param>
    /// <returns>The call's options.</returns>
    public static RpcCallOptions StartFlow(string idempotencyKey) => new() { RequestId = idempotencyKey };
}
