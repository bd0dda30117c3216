using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Providers;

namespace Corda.HighAvailability.Tool.Drill;

/// <summary>What <c>corda-ha drill</c> was asked to do.</summary>
internal sealed record DrillSettings(
    ProviderKind Provider,
    string ConnectionString,
    bool TemporaryDatabase,
    string LeaseName,
    string? TableName,
    int Candidates,
    int Kills,
    TimeSpan LeaseDuration,
    OutputFormat Format);
