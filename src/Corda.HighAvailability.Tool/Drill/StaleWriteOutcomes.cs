namespace Corda.HighAvailability.Tool.Drill;

/// <summary>Outcomes of a deliberate stale write. Only <see cref="Accepted"/> is a safety bug.</summary>
internal static class StaleWriteOutcomes
{
    public const string Rejected = "rejected";
    public const string Accepted = "accepted";
    public const string Error = "error";

    /// <summary>
    /// Given by the drill, never by a candidate: the write's grant was never superseded, so it had nothing to be
    /// refused by and proves nothing (see <see cref="StaleWriteClassification"/>).
    /// </summary>
    public const string NotApplicable = "not-applicable";
}
