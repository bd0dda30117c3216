namespace Corda.HighAvailability.Checkpoints;

/// <summary>One defect found in a node's checkpoint tables.</summary>
public sealed class Finding
{
    /// <summary>Creates a finding.</summary>
    /// <param name="code">A stable code, one of <see cref="CheckpointFindingCodes"/> or a custom rule's own.</param>
    /// <param name="severity">How bad it is.</param>
    /// <param name="flowId">The flow id (<c>flow_id</c>, or <c>checkpoint_id</c> before Corda 4.6).</param>
    /// <param name="table">The table the defect was found in.</param>
    /// <param name="message">What is wrong, for operators; never contains connection details.</param>
    /// <param name="column">The blob column, for blob findings.</param>
    public Finding(string code, FindingSeverity severity, string flowId, string table, string message, string? column = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        ArgumentNullException.ThrowIfNull(flowId);
        ArgumentException.ThrowIfNullOrEmpty(table);
        ArgumentNullException.ThrowIfNull(message);
        Code = code;
        Severity = severity;
        FlowId = flowId;
        Table = table;
        Message = message;
        Column = column;
    }

    /// <summary>The stable code, for example <c>blob-truncated</c>.</summary>
    public string Code { get; }

    /// <summary>How bad it is.</summary>
    public FindingSeverity Severity { get; }

    /// <summary>The flow id the defect belongs to.</summary>
    public string FlowId { get; }

    /// <summary>The table the defect was found in, for example <c>node_checkpoint_blobs</c>.</summary>
    public string Table { get; }

    /// <summary>The blob column, for blob findings; otherwise <see langword="null"/>.</summary>
    public string? Column { get; }

    /// <summary>What is wrong.</summary>
    public string Message { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Severity} {Code} flow {FlowId} in {Table}{(Column is null ? string.Empty : "." + Column)}: {Message}";
}
