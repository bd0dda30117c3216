namespace Corda.HighAvailability.Tool.Drill;

/// <summary>Outcomes of a deliberate stale write. Only <see cref="Accepted"/> is a safety bug.</summary>
internal static class StaleWriteOutcomes
{
    public const string Rejected = "rejected";
    public const string Accepted = "accepted";
    public const string Error = "error";
}
