namespace Corda.HighAvailability.Checkpoints.Rules;

/// <summary>
/// What the verifier saw of one flow id across the five Corda 4.6+ tables, handed to every
/// <see cref="ICheckpointRule"/>. Blob contents are checked separately; only their presence is here.
/// </summary>
public sealed class CheckpointFlow
{
    /// <summary>Creates the view of one flow (rules receive it from the verifier; tests may build their own).</summary>
    /// <param name="flowId">The flow id.</param>
    public CheckpointFlow(string flowId)
    {
        ArgumentNullException.ThrowIfNull(flowId);
        FlowId = flowId;
    }

    /// <summary>The flow id (<c>StateMachineRunId</c> UUID string).</summary>
    public string FlowId { get; }

    /// <summary>The raw <c>node_checkpoints.status</c>, or <see langword="null"/> when there is no <c>node_checkpoints</c> row.</summary>
    public int? Status { get; init; }

    /// <summary>Whether a <c>node_checkpoints</c> row exists.</summary>
    public bool HasCheckpointRow => Status.HasValue;

    /// <summary>The status as an enum value, or <see langword="null"/> when there is no row or the ordinal is unknown.</summary>
    public CheckpointFlowStatus? KnownStatus =>
        Status is { } s && Enum.IsDefined(typeof(CheckpointFlowStatus), s) ? (CheckpointFlowStatus)s : null;

    /// <summary>Whether a <c>node_checkpoint_blobs</c> row exists.</summary>
    public bool HasBlobRow { get; init; }

    /// <summary>Whether that row's <c>flow_state</c> is not NULL.</summary>
    public bool HasFlowState { get; init; }

    /// <summary>Whether a <c>node_flow_metadata</c> row exists.</summary>
    public bool HasMetadataRow { get; init; }

    /// <summary>Whether that row's <c>finish_time</c> is not NULL.</summary>
    public bool HasFinishTime { get; init; }

    /// <summary>Whether a <c>node_flow_results</c> row exists.</summary>
    public bool HasResultRow { get; init; }

    /// <summary>Whether a <c>node_flow_exceptions</c> row exists.</summary>
    public bool HasExceptionRow { get; init; }
}
