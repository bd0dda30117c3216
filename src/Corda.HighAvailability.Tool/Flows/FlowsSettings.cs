using Corda.HighAvailability.Checkpoints.Rules;
using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Providers;

namespace Corda.HighAvailability.Tool.Flows;

/// <summary>The options every <c>flows</c> command shares.</summary>
internal sealed record FlowsSettings(
    ProviderKind Provider,
    string ConnectionString,
    OutputFormat Format,
    string? Schema,
    string NodeTimeZone,
    int MaxText);

/// <summary>The filters of <c>flows list</c>.</summary>
internal sealed record FlowsListFilter(IReadOnlyList<CheckpointFlowStatus> Statuses, TimeSpan? OlderThan, int Limit);
