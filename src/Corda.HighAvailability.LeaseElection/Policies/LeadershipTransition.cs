namespace Corda.HighAvailability.LeaseElection.Policies;

/// <summary>What happened to this host's leadership.</summary>
public enum LeadershipTransitionKind
{
    /// <summary>This host acquired the lease.</summary>
    Acquired,

    /// <summary>This host released the lease on purpose (stop or step-down).</summary>
    Released,

    /// <summary>This host lost the lease: a renewal found another holder or epoch, or the renew deadline passed.</summary>
    Lost,
}

/// <summary>One change of this host's leadership, for flap damping and diagnostics.</summary>
public sealed class LeadershipTransition
{
    /// <summary>Creates a transition record.</summary>
    /// <param name="kind">What happened.</param>
    /// <param name="epoch">The epoch of the grant concerned.</param>
    /// <param name="timestamp">When, as a <see cref="TimeProvider.GetTimestamp"/> value of the elector's time provider.</param>
    public LeadershipTransition(LeadershipTransitionKind kind, long epoch, long timestamp)
    {
        Kind = kind;
        Epoch = epoch;
        Timestamp = timestamp;
    }

    /// <summary>What happened.</summary>
    public LeadershipTransitionKind Kind { get; }

    /// <summary>The epoch of the grant concerned.</summary>
    public long Epoch { get; }

    /// <summary>When it happened, as a monotonic <see cref="TimeProvider.GetTimestamp"/> value.</summary>
    public long Timestamp { get; }
}
