using System.Globalization;

namespace Corda.HighAvailability.Tool.Drill;

/// <summary>
/// Judges each deliberate stale write against the whole drill's history. A candidate makes its stale write once the
/// database no longer carries its grant, and only a later grant can refuse it. When a term was lost (the renew
/// deadline passed; not released) and no later grant was ever seen, the write waited in vain for a superseding grant
/// and ended as an error: that happens on SQLite to the final leader when a short first term is taken over while a
/// paused leader still holds the write lock, and nobody acquires the lease before the drill stops every candidate.
/// Such a write is not applicable, not an error. Anything else keeps the candidate's outcome: an accepted stale write
/// stays a safety violation, and an error while a later grant existed stays an error.
/// </summary>
internal static class StaleWriteClassification
{
    private const string LostKind = "lost";

    public static IReadOnlyList<StaleWriteVerdict> Classify(IReadOnlyList<DrillEvent> history)
    {
        // The highest epoch any candidate reported: leading, writing, or seeing the lease.
        var highestEpoch = history
            .Where(e => e.Name is CandidateEventNames.Leading or CandidateEventNames.FirstWrite or CandidateEventNames.Observed)
            .Select(e => e.Epoch)
            .DefaultIfEmpty(long.MinValue)
            .Max();
        return history
            .Where(e => e.Name == CandidateEventNames.StaleWrite)
            .Select(e => Classify(e, history, highestEpoch))
            .ToList();
    }

    private static StaleWriteVerdict Classify(DrillEvent staleWrite, IReadOnlyList<DrillEvent> history, long highestEpoch)
    {
        var outcome = staleWrite.Outcome ?? StaleWriteOutcomes.Error;
        if (outcome != StaleWriteOutcomes.Error || highestEpoch > staleWrite.Epoch)
        {
            return new StaleWriteVerdict(staleWrite.Candidate, staleWrite.Epoch, outcome, null);
        }

        var lost = history.Any(e => e.Name == CandidateEventNames.Stopped
            && e.Candidate == staleWrite.Candidate
            && e.Epoch == staleWrite.Epoch
            && string.Equals(e.Kind, LostKind, StringComparison.Ordinal));
        return lost
            ? new StaleWriteVerdict(
                staleWrite.Candidate,
                staleWrite.Epoch,
                StaleWriteOutcomes.NotApplicable,
                string.Create(CultureInfo.InvariantCulture, $"{staleWrite.Candidate} lost (did not release) its term at epoch {staleWrite.Epoch} and no later grant followed before the drill ended: the stale write had nothing to be refused by"))
            : new StaleWriteVerdict(staleWrite.Candidate, staleWrite.Epoch, outcome, null);
    }
}
