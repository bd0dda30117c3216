namespace Corda.HighAvailability.Tool.Drill;

/// <summary>
/// One deliberate stale write as the drill reports it: the candidate's outcome, or <see cref="StaleWriteOutcomes.NotApplicable"/>
/// with the <paramref name="Reason"/> when the drill's own history shows the write could not be tested.
/// </summary>
internal sealed record StaleWriteVerdict(string Candidate, long Epoch, string Outcome, string? Reason);
