using Corda.HighAvailability.Checkpoints.Rules;

namespace Corda.HighAvailability.Checkpoints.Flows;

/// <summary>
/// One flow as its <c>node_checkpoints</c> row and its <c>node_flow_metadata</c> and <c>node_flow_exceptions</c>
/// partners describe it. Every column but the flow id may be missing: a hand-edited or half-restored database is shown
/// as it is, never refused, so most properties are nullable.
/// </summary>
public sealed class FlowRecord
{
    /// <summary>The flow's <c>StateMachineRunId</c> (a UUID string).</summary>
    public required string FlowId { get; init; }

    /// <summary>The raw <c>status</c> ordinal; <see langword="null"/> when the column is NULL.</summary>
    public int? StatusCode { get; init; }

    /// <summary>The status, or <see langword="null"/> when <see cref="StatusCode"/> is NULL or a number Corda does not define.</summary>
    public CheckpointFlowStatus? Status => StatusCode is { } code && Enum.IsDefined((CheckpointFlowStatus)code) ? (CheckpointFlowStatus)code : null;

    /// <summary>The flow's class name (<c>flow_name</c>); <see langword="null"/> without a metadata row.</summary>
    public string? FlowClass { get; init; }

    /// <summary>The CorDapp the flow comes from, or <c>Core flow</c>.</summary>
    public string? CordappName { get; init; }

    /// <summary>Who started it: the RPC user, <c>Shell User</c>, the peer's X.500 name, the service class or <c>Scheduler</c>.</summary>
    public string? StartedBy { get; init; }

    /// <summary>The raw <c>started_type</c> ordinal.</summary>
    public int? StartTypeCode { get; init; }

    /// <summary>How the flow was started, or <see langword="null"/> when unknown.</summary>
    public FlowStartType? StartType => StartTypeCode is { } code && Enum.IsDefined((FlowStartType)code) ? (FlowStartType)code : null;

    /// <summary>The RPC client id (<c>flow_identifier</c>), when the flow was started with one.</summary>
    public string? ClientId { get; init; }

    /// <summary>When the flow started (<c>start_time</c>).</summary>
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>When the flow finished (<c>finish_time</c>): set for COMPLETED and FAILED only.</summary>
    public DateTimeOffset? FinishTime { get; init; }

    /// <summary>When the checkpoint row was last written (<c>node_checkpoints.timestamp</c>): the last suspend or status change.</summary>
    public DateTimeOffset? LastCheckpointTime { get; init; }

    /// <summary>The age the filters and summaries use: from <see cref="StartTime"/> (or <see cref="LastCheckpointTime"/> without metadata) to the reader's clock.</summary>
    public TimeSpan? Age { get; init; }

    /// <summary>The last progress tracker step (<c>progress_step</c>), when the flow has a progress tracker.</summary>
    public string? ProgressStep { get; init; }

    /// <summary>What the flow is suspended on (<c>flow_io_request</c>: the I/O request's simple class name, for example <c>SendAndReceive</c>).</summary>
    public string? SuspendedOn { get; init; }

    /// <summary>The exception row (FAILED, KILLED, and HOSPITALIZED unless it came through the uncaught-exception path); <see langword="null"/> otherwise.</summary>
    public FlowExceptionInfo? Exception { get; init; }
}
