namespace Corda.HighAvailability.Tool.Providers;

/// <summary>What a command needs from its provider: each command's <c>--provider</c> accepts only the providers that have it.</summary>
internal enum ProviderCapability
{
    /// <summary>A lease store: the <c>lease</c> commands, <c>drill</c> and <c>drill-candidate</c>.</summary>
    LeaseElection,

    /// <summary>A checkpoint dialect: <c>checkpoints verify</c>.</summary>
    CheckpointVerification,
}
