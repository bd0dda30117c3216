namespace Corda.HighAvailability.Checkpoints.Flows;

/// <summary>
/// A flow's <c>node_flow_exceptions</c> row as text: the exception's class, message and stack trace, each cut to
/// <see cref="FlowHospitalOptions.MaxTextLength"/> characters in the database (so a huge value never reaches memory).
/// The AMQP <c>exception_value</c> blob is not read.
/// </summary>
public sealed class FlowExceptionInfo
{
    /// <summary>The exception's class name, for example <c>net.corda.core.flows.FlowException</c>.</summary>
    public string? Type { get; init; }

    /// <summary>The exception's message (Corda stores at most 2000 characters), cut to the configured length.</summary>
    public string? Message { get; init; }

    /// <summary>Whether <see cref="Message"/> was longer than the configured length and was cut.</summary>
    public bool MessageTruncated { get; init; }

    /// <summary>The stack trace (Corda stores at most 2000 characters, cut at a line break), cut to the configured length.</summary>
    public string? StackTrace { get; init; }

    /// <summary>Whether <see cref="StackTrace"/> was longer than the configured length and was cut.</summary>
    public bool StackTraceTruncated { get; init; }

    /// <summary>When the exception row was written (<c>node_flow_exceptions.timestamp</c>).</summary>
    public DateTimeOffset? Time { get; init; }
}
