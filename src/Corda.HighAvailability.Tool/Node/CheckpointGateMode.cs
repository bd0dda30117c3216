namespace Corda.HighAvailability.Tool.Node;

/// <summary>What <c>--verify-checkpoints</c> does when the verifier's findings cross the threshold.</summary>
internal enum CheckpointGateMode
{
    /// <summary>No verification before the node starts.</summary>
    Off,

    /// <summary>Keep the node down and release the lease (the default of a bare <c>--verify-checkpoints</c>).</summary>
    Refuse,

    /// <summary>Log the findings as a warning and start the node anyway.</summary>
    Warn,
}
