namespace Corda.HighAvailability.LeaseElection;

/// <summary>
/// Options of lease election. Validated at start-up:
/// <see cref="LeaseDuration"/> &gt; <see cref="RenewDeadline"/> &gt; <see cref="RetryPeriod"/> &gt; 0.
/// </summary>
public sealed class LeaseElectionOptions
{
    /// <summary>Name of the lease row; hosts that compete for the same node share it. Default <c>corda-node</c>.</summary>
    public string LeaseName { get; set; } = LeaseElectionConstants.DefaultLeaseName;

    /// <summary>
    /// Unique identity of this candidate. Default: <c>machine/pid/random</c>, unique per process, so that a
    /// restarted process never mistakes its predecessor's grant for its own.
    /// </summary>
    public string Identity { get; set; } = LeaseElectionDefaults.CreateIdentity();

    /// <summary>Version of the host written to the lease row for operators. Default: the entry assembly's version.</summary>
    public string? HolderVersion { get; set; } = LeaseElectionDefaults.EntryAssemblyVersion();

    /// <summary>
    /// How long a standby must see a grant unrenewed (the same revision, on the standby's own monotonic clock)
    /// before it takes over. A crash failover takes about this long. Default 15 s (client-go).
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = LeaseElectionConstants.DefaultLeaseDuration;

    /// <summary>
    /// The leader stops leading if no renewal succeeded within this time, measured on the local monotonic clock
    /// from the start of the last successful renewal; shorter than <see cref="LeaseDuration"/> so that it stops
    /// before anyone else can take the lease. Default 10 s (client-go).
    /// </summary>
    public TimeSpan RenewDeadline { get; set; } = LeaseElectionConstants.DefaultRenewDeadline;

    /// <summary>How often the leader renews, and how long anyone waits after an error. Default 2 s (client-go).</summary>
    public TimeSpan RetryPeriod { get; set; } = LeaseElectionConstants.DefaultRetryPeriod;

    /// <summary>Release the lease when the host stops, so that a standby takes over at once. Default <see langword="true"/>.</summary>
    public bool ReleaseOnStop { get; set; } = true;

    /// <summary>
    /// How long a stepping-down leader waits for leader-only services to stop before it releases the lease.
    /// Default 10 s.
    /// </summary>
    public TimeSpan ReleaseTimeout { get; set; } = LeaseElectionConstants.DefaultReleaseTimeout;

    /// <summary>
    /// The longest a fenced transaction (<see cref="Fencing.ILeaseFence"/>) may live, work included; it is rolled
    /// back when it takes longer, and PostgreSQL ends the session of one that stalls. It bounds how long a fenced
    /// transaction can hold up a takeover. Default <see langword="null"/>: half of
    /// <see cref="LeaseDuration"/> − <see cref="RenewDeadline"/> (2.5 s with the defaults); at most that difference.
    /// </summary>
    public TimeSpan? FencedWriteTimeout { get; set; }

    /// <summary>The fenced-write time limit in force: <see cref="FencedWriteTimeout"/> or its default.</summary>
    internal TimeSpan EffectiveFencedWriteTimeout => FencedWriteTimeout ?? (LeaseDuration - RenewDeadline) / 2;

    /// <summary>Create the lease table at start if it is missing. Meant for development; default <see langword="false"/>.</summary>
    public bool AutoCreateSchema { get; set; }
}
