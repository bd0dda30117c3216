namespace Corda.HighAvailability.Checkpoints.Flows;

/// <summary>
/// <c>node_flow_metadata.started_type</c>: the JPA ordinal of Corda's <c>DBCheckpointStorage.StartReason</c>
/// (docs/corda-checkpoints.md#flow-metadata). A shell start counts as <see cref="Rpc"/>, a peer's as <see cref="Initiated"/>.
/// </summary>
public enum FlowStartType
{
    /// <summary>Started over RPC (or from the shell); the only kind that can carry a client id.</summary>
    Rpc = 0,

    /// <summary>Started by a CorDapp service.</summary>
    Service = 1,

    /// <summary>Started by the scheduler for a schedulable state.</summary>
    Scheduled = 2,

    /// <summary>Started in answer to a peer's session (an initiated flow).</summary>
    Initiated = 3,
}
