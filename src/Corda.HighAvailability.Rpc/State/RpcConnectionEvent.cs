namespace Corda.HighAvailability.Rpc.State;

/// <summary>A change of a resilient connection's state: what happened, and the state it led to.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="State">The state after the change.</param>
public sealed record RpcConnectionEvent(RpcConnectionEventKind Kind, RpcConnectionState State);
