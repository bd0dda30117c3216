using Corda.HighAvailability.Tool.Providers;

namespace Corda.HighAvailability.Tool.Drill;

/// <summary>What one drill candidate process runs with.</summary>
internal sealed record CandidateSettings(
    ProviderKind Provider,
    string ConnectionString,
    string LeaseName,
    string? TableName,
    string Identity,
    TimeSpan LeaseDuration,
    TimeSpan WriteInterval,
    bool SampleBelief = false);
