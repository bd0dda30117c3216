using Corda.HighAvailability.LeaseElection.Storage;

namespace Corda.HighAvailability.LeaseElection;

/// <summary>
/// This host's view of the election: whether it leads, under which grant, and who else does.
/// Registered as a singleton by <c>AddLeaseElection</c>; the hosted service runs it.
/// </summary>
public interface ILeaseElector
{
    /// <summary>The identity this host stands for election with.</summary>
    string Identity { get; }

    /// <summary>Whether this host holds the lease now. It turns false before the lease can lapse.</summary>
    bool IsLeader { get; }

    /// <summary>The grant this host leads under, or <see langword="null"/> when it does not lead.</summary>
    LeaseToken? CurrentLease { get; }

    /// <summary>The fencing epoch of this host's grant, or <see langword="null"/> when it does not lead.</summary>
    long? CurrentEpoch { get; }

    /// <summary>The lease row as this host last read or wrote it, whoever holds it.</summary>
    LeaseRecord? ObservedLease { get; }

    /// <summary>
    /// A token cancelled the moment this host stops leading (already cancelled when it does not lead).
    /// Pass it to leader-only work; take it again after each new <see cref="StartedLeading"/>.
    /// </summary>
    CancellationToken LeadershipToken { get; }

    /// <summary>Raised when this host becomes leader, after <see cref="LeadershipToken"/> is fresh.</summary>
    event EventHandler<LeadershipChangedEventArgs>? StartedLeading;

    /// <summary>Raised when this host stops leading, after <see cref="LeadershipToken"/> was cancelled.</summary>
    event EventHandler<LeadershipChangedEventArgs>? StoppedLeading;

    /// <summary>Raised when a different holder (or none) is observed in the lease row.</summary>
    event EventHandler<LeaderObservedEventArgs>? NewLeaderObserved;

    /// <summary>Waits until this host leads, and returns its grant.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The grant.</returns>
    Task<LeaseToken> WaitForLeadershipAsync(CancellationToken cancellationToken);
}
