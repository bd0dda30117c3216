using Corda.HighAvailability.Checkpoints;
using Corda.HighAvailability.LeaseElection;

namespace Corda.HighAvailability.Tool.Providers;

/// <summary>Wires the chosen provider into the library's own builders, so the tool runs what hosts run.</summary>
internal static class ProviderBuilderExtensions
{
    public static LeaseElectionBuilder UseProvider(this LeaseElectionBuilder builder, ProviderKind provider, string connectionString, string? tableName) =>
        ProviderTable.Get(provider).RequireLease().Use(builder, connectionString, tableName);

    public static CheckpointVerificationBuilder UseProvider(this CheckpointVerificationBuilder builder, ProviderKind provider, string connectionString) =>
        ProviderTable.Get(provider).RequireCheckpoints()(builder, connectionString);
}
