namespace Corda.HighAvailability.LeaseElection.Storage;

/// <summary>Outcome of an acquire or renew attempt: whether it succeeded, and the row as it stands after it.</summary>
public sealed class LeaseAttemptResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="succeeded">Whether the caller now holds the lease.</param>
    /// <param name="record">The lease row after the attempt; <see langword="null"/> only if the row could not be read (a race with its creation).</param>
    public LeaseAttemptResult(bool succeeded, LeaseRecord? record)
    {
        if (succeeded && record is null)
        {
            throw new ArgumentNullException(nameof(record), "A successful attempt must return the lease row.");
        }

        Succeeded = succeeded;
        Record = record;
    }

    /// <summary>Whether the caller now holds the lease.</summary>
    public bool Succeeded { get; }

    /// <summary>The lease row after the attempt, read in the same round trip.</summary>
    public LeaseRecord? Record { get; }

    /// <summary>The token of the caller's grant when <see cref="Succeeded"/>.</summary>
    public LeaseToken? Token => Succeeded ? Record!.ToToken() : null;
}
