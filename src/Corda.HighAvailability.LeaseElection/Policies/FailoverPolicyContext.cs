using Corda.HighAvailability.LeaseElection.Storage;

namespace Corda.HighAvailability.LeaseElection.Policies;

/// <summary>What a <see cref="FailoverPolicy"/> knows when it decides.</summary>
public sealed class FailoverPolicyContext
{
    internal FailoverPolicyContext(
        LeaseElectionOptions options,
        bool isLeader,
        LeaseRecord? observedLease,
        TimeSpan? leadershipDuration,
        IReadOnlyList<LeadershipTransition> recentTransitions,
        TimeProvider timeProvider,
        IServiceProvider services,
        TimeSpan? vacantFor = null)
    {
        VacantFor = vacantFor;
        Options = options;
        IsLeader = isLeader;
        ObservedLease = observedLease;
        LeadershipDuration = leadershipDuration;
        RecentTransitions = recentTransitions;
        TimeProvider = timeProvider;
        Services = services;
    }

    /// <summary>The election's options (lease name, identity, timings).</summary>
    public LeaseElectionOptions Options { get; }

    /// <summary>Whether this host leads now.</summary>
    public bool IsLeader { get; }

    /// <summary>The lease row as last read, if any.</summary>
    public LeaseRecord? ObservedLease { get; }

    /// <summary>How long this host has been leading, when it leads.</summary>
    public TimeSpan? LeadershipDuration { get; }

    /// <summary>
    /// While this host does not lead: how long the lease has been vacant as far as this host can tell (free, or its
    /// holder's renewals stopped for a whole lease duration, on this host's clock); <see langword="null"/> when it
    /// is held or unknown. Lets a reluctant policy give in when nobody else takes over.
    /// </summary>
    public TimeSpan? VacantFor { get; }

    /// <summary>This host's latest leadership transitions, oldest first.</summary>
    public IReadOnlyList<LeadershipTransition> RecentTransitions { get; }

    /// <summary>The time provider of the elector; use it (never the wall clock) to measure time.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The host's services, for policies that consult other components.</summary>
    public IServiceProvider Services { get; }
}
