namespace Corda.HighAvailability.Tool.Cli;

/// <summary>How a command prints its result: for people, or as one JSON object for scripts.</summary>
internal enum OutputFormat
{
    Text,
    Json,
}
