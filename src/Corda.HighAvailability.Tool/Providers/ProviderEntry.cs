using System.Data.Common;
using System.Diagnostics;
using Corda.HighAvailability.Checkpoints;
using Corda.HighAvailability.Tool.Cli;

namespace Corda.HighAvailability.Tool.Providers;

/// <summary>One row of <see cref="ProviderTable"/>: everything corda-ha knows about one database.</summary>
/// <param name="Kind">The provider.</param>
/// <param name="Name">Its name on the command line, in output and in the candidates' arguments.</param>
/// <param name="Aliases">Other names accepted on the command line.</param>
/// <param name="DisplayName">Its name in messages.</param>
/// <param name="Example">An example connection string, shown in usage.</param>
/// <param name="NewConnection">A plain, unopened connection (the drill's tables); the caller opens and disposes it.</param>
/// <param name="Lease">Lease election on this provider; null while there is no lease store for it.</param>
/// <param name="Checkpoints">Wires the checkpoint verifier's dialect; null when there is none for this provider.</param>
internal sealed record ProviderEntry(
    ProviderKind Kind,
    string Name,
    IReadOnlyList<string> Aliases,
    string DisplayName,
    string Example,
    Func<string, DbConnection> NewConnection,
    LeaseWiring? Lease,
    Func<CheckpointVerificationBuilder, string, CheckpointVerificationBuilder>? Checkpoints)
{
    /// <summary>Every name accepted on the command line, the canonical one first.</summary>
    public IEnumerable<string> Names => Aliases.Prepend(Name);

    public bool Supports(ProviderCapability capability) => capability switch
    {
        ProviderCapability.LeaseElection => Lease is not null,
        ProviderCapability.CheckpointVerification => Checkpoints is not null,
        _ => throw new UnreachableException($"Provider capability {capability} is not handled for {Name}."),
    };

    public LeaseWiring RequireLease() => Lease ?? throw NotAvailable(ProviderCapability.LeaseElection);

    public Func<CheckpointVerificationBuilder, string, CheckpointVerificationBuilder> RequireCheckpoints() =>
        Checkpoints ?? throw NotAvailable(ProviderCapability.CheckpointVerification);

    /// <summary>The usage error for a command that needs what this provider lacks; it names the providers that work.</summary>
    public string NotAvailableMessage(ProviderCapability capability) =>
        $"{Describe(capability)} on {DisplayName} is not available yet; use --provider {ProviderTable.Choices(capability)}.";

    private ToolException NotAvailable(ProviderCapability capability) => new(ExitCodes.UsageOrConnection, NotAvailableMessage(capability));

    private string Describe(ProviderCapability capability) => capability switch
    {
        ProviderCapability.LeaseElection => "lease election",
        ProviderCapability.CheckpointVerification => "checkpoint verification",
        _ => throw new UnreachableException($"Provider capability {capability} is not handled for {Name}."),
    };
}
