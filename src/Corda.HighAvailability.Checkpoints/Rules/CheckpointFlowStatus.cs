namespace Corda.HighAvailability.Checkpoints.Rules;

/// <summary>
/// <c>node_checkpoints.status</c>: the JPA ordinal of Corda's <c>Checkpoint.FlowStatus</c>
/// (upstream node/.../statemachine/StateMachineState.kt l.104-111, unchanged 4.6-4.12; see
/// docs/corda-checkpoints.md#flow-status-ordinals).
/// </summary>
public enum CheckpointFlowStatus
{
    /// <summary>Running or waiting; loaded on restart.</summary>
    Runnable = 0,

    /// <summary>Failed with an error; kept only for flows started with a client id.</summary>
    Failed = 1,

    /// <summary>Finished with a result; kept only for flows started with a client id.</summary>
    Completed = 2,

    /// <summary>In the flow hospital; loaded on restart.</summary>
    Hospitalized = 3,

    /// <summary>Killed; kept only for flows started with a client id.</summary>
    Killed = 4,

    /// <summary>Paused (<c>markAllPaused</c>); resumed as RUNNABLE.</summary>
    Paused = 5,
}
