namespace Corda.HighAvailability.Testing;

/// <summary>
/// One flow for the flow hospital view, with every column the view reads under the test's control (docs/corda-checkpoints.md,
/// "Tables and columns" and "Flow metadata"): times as the node stores them, wall-clock values without a zone.
/// <see cref="Metadata"/> false leaves out the node_flow_metadata row, <see cref="ExceptionType"/> null the
/// node_flow_exceptions row.
/// </summary>
public sealed record FlowSeed(string FlowId, int Status, DateTime StartTime)
{
    public int StartType { get; init; }

    public string StartedBy { get; init; } = "user1";

    public string FlowClass { get; init; } = "com.example.flows.IssueFlow";

    public string CordappName { get; init; } = "Example CorDapp";

    public string? ClientId { get; init; }

    /// <summary>node_checkpoints.timestamp; default one minute after the start.</summary>
    public DateTime? CheckpointTime { get; init; }

    public DateTime? FinishTime { get; init; }

    public string? ProgressStep { get; init; }

    public string? IoRequest { get; init; }

    public bool Metadata { get; init; } = true;

    public string? ExceptionType { get; init; }

    public string? ExceptionMessage { get; init; }

    public string ExceptionStackTrace { get; init; } = "net.corda.core.flows.FlowException: boom\n\tat com.example.flows.IssueFlow.call(IssueFlow.kt:42)";
}
