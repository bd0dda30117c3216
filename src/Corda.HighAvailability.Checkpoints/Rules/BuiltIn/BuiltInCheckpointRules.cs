namespace Corda.HighAvailability.Checkpoints.Rules.BuiltIn;

/// <summary>The built-in cross-table rules (corda.md §7.3), registered by <c>AddCheckpointVerification</c>.</summary>
internal static class BuiltInCheckpointRules
{
    public static IReadOnlyList<ICheckpointRule> All { get; } =
    [
        new InvalidStatusRule(),
        new MissingBlobRule(),
        new OrphanBlobRule(),
        new MissingMetadataRule(),
        new MissingFlowStateRule(),
        new FinishedWithoutFinishTimeRule(),
        new CompletedWithoutResultRule(),
        new FailedWithoutExceptionRule(),
    ];
}
