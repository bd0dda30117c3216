using Corda.HighAvailability.Checkpoints;
using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Providers;

namespace Corda.HighAvailability.Tool.Checkpoints;

/// <summary>The parsed command line of <c>checkpoints verify</c>.</summary>
internal sealed record VerifySettings(
    ProviderKind Provider,
    string ConnectionString,
    OutputFormat Format,
    FindingSeverity FailOn,
    string? Schema,
    long MaxInflatedBytes,
    int Parallelism,
    int MaxFindings,
    bool Progress);
