using Corda.HighAvailability.LeaseElection.Policies;
using Corda.HighAvailability.LeaseElection.Storage;

namespace Corda.HighAvailability.LeaseElection;

/// <summary>Data of <see cref="ILeaseElector.StartedLeading"/> and <see cref="ILeaseElector.StoppedLeading"/>.</summary>
public sealed class LeadershipChangedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="token">The grant that started or ended.</param>
    /// <param name="kind">Acquired, released or lost.</param>
    /// <param name="reason">Why, in words, for logs.</param>
    public LeadershipChangedEventArgs(LeaseToken token, LeadershipTransitionKind kind, string reason)
    {
        Token = token;
        Kind = kind;
        Reason = reason;
    }

    /// <summary>The grant that started or ended.</summary>
    public LeaseToken Token { get; }

    /// <summary>Acquired, released or lost.</summary>
    public LeadershipTransitionKind Kind { get; }

    /// <summary>Why, in words.</summary>
    public string Reason { get; }
}

/// <summary>Data of <see cref="ILeaseElector.NewLeaderObserved"/>.</summary>
public sealed class LeaderObservedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="lease">The lease row as read.</param>
    public LeaderObservedEventArgs(LeaseRecord lease) => Lease = lease;

    /// <summary>The lease row as read; <see cref="LeaseRecord.Holder"/> is <see langword="null"/> when released.</summary>
    public LeaseRecord Lease { get; }
}
