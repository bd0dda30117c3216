namespace Corda.HighAvailability.Tool.Cli;

/// <summary>
/// An expected failure with a message meant for the operator: printed as one line on stderr, never with a
/// stack trace, and mapped to <see cref="ExitCode"/>.
/// </summary>
internal sealed class ToolException : Exception
{
    public ToolException(int exitCode, string message)
        : base(message) => ExitCode = exitCode;

    public ToolException(int exitCode, string message, Exception innerException)
        : base(message, innerException) => ExitCode = exitCode;

    public ToolException()
        : this(ExitCodes.UsageOrConnection, "corda-ha failed.")
    {
    }

    public ToolException(string message)
        : this(ExitCodes.UsageOrConnection, message)
    {
    }

    public ToolException(string message, Exception innerException)
        : this(ExitCodes.UsageOrConnection, message, innerException)
    {
    }

    public int ExitCode { get; }
}
