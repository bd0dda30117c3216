namespace Corda.HighAvailability.Checkpoints;

/// <summary>How bad a <see cref="Finding"/> is.</summary>
public enum FindingSeverity
{
    /// <summary>Inconsistent but harmless to the node (for example unreachable rows); does not fail the pre-promotion gate.</summary>
    Warning = 0,

    /// <summary>The node would fail to load, resume or answer for the flow, or the rows prove a torn write: do not promote.</summary>
    Error = 1,
}
