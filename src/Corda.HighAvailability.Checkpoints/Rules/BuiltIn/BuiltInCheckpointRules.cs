namespace Corda.HighAvailability.Checkpoints.Rules.BuiltIn;

/// <summary>
/// The built-in cross-table rules, registered by <c>AddCheckpointVerification</c>. Each encodes a behaviour of Corda's
/// checkpoint storage, explained in docs/corda-checkpoints.md#storage-behaviours-the-rules-rely-on; the line numbers in
/// the rules' comments are those of the upstream commit named in docs/corda-checkpoints.md#sources.
/// </summary>
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
