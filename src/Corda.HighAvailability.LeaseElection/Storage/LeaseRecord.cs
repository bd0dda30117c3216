namespace Corda.HighAvailability.LeaseElection.Storage;

/// <summary>
/// One lease row as read from the database, together with the database server's clock at the moment of
/// the read. Every time here is the database's, never the reading host's: compare
/// <see cref="ExpiresAt"/> with <see cref="DatabaseNow"/>, not with the local clock.
/// </summary>
/// <remarks>
/// The times are for operators. Elections do not decide on them: a candidate takes over only when it has seen
/// the same <see cref="Revision"/> for a whole lease duration on its own monotonic clock, so that a step of the
/// database's clock (NTP, or a failover to a server whose clock differs) cannot shorten a grant.
/// </remarks>
public sealed class LeaseRecord
{
    /// <summary>Creates a record; providers call this when they map a row.</summary>
    /// <param name="leaseName">Name of the lease (the row key).</param>
    /// <param name="holder">Current holder, or <see langword="null"/> when released.</param>
    /// <param name="epoch">Fencing epoch: increases every time the lease is granted.</param>
    /// <param name="acquiredAt">When the current holder acquired it (database clock).</param>
    /// <param name="renewedAt">When it was last renewed (database clock).</param>
    /// <param name="expiresAt">When it lapses unless renewed (database clock).</param>
    /// <param name="databaseNow">The database clock when this record was read.</param>
    /// <param name="revision">Increases on every write of the row (grant, renewal, release); see <see cref="Revision"/>.</param>
    public LeaseRecord(
        string leaseName,
        LeaseHolder? holder,
        long epoch,
        DateTimeOffset? acquiredAt,
        DateTimeOffset? renewedAt,
        DateTimeOffset expiresAt,
        DateTimeOffset databaseNow,
        long revision)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseName);
        LeaseName = leaseName;
        Holder = holder;
        Epoch = epoch;
        AcquiredAt = acquiredAt;
        RenewedAt = renewedAt;
        ExpiresAt = expiresAt;
        DatabaseNow = databaseNow;
        Revision = revision;
    }

    /// <summary>Name of the lease.</summary>
    public string LeaseName { get; }

    /// <summary>Current holder, or <see langword="null"/> when the lease was released.</summary>
    public LeaseHolder? Holder { get; }

    /// <summary>The fencing epoch of the latest grant. A write carrying a lower epoch is stale.</summary>
    public long Epoch { get; }

    /// <summary>
    /// Increases on every write of the row: each grant, renewal and release. A candidate that sees the same
    /// revision for a whole lease duration (on its own monotonic clock) knows nobody renewed the grant in that time.
    /// </summary>
    public long Revision { get; }

    /// <summary>When the current holder acquired the lease (database clock).</summary>
    public DateTimeOffset? AcquiredAt { get; }

    /// <summary>When the lease was last renewed (database clock).</summary>
    public DateTimeOffset? RenewedAt { get; }

    /// <summary>When the lease lapses unless renewed (database clock).</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>The database clock at the moment this record was read.</summary>
    public DateTimeOffset DatabaseNow { get; }

    /// <summary>
    /// Whether someone holds the lease and it has not lapsed at <see cref="DatabaseNow"/>, as the database's clock
    /// sees it. For display: an election does not decide on the database's clock.
    /// </summary>
    public bool IsHeld => Holder is not null && ExpiresAt > DatabaseNow;

    /// <summary>Time left before the lease lapses, as seen by the database; zero when lapsed or released.</summary>
    public TimeSpan TimeToExpiry => IsHeld ? ExpiresAt - DatabaseNow : TimeSpan.Zero;

    /// <summary>Time since the last renewal, as seen by the database, if it was ever renewed.</summary>
    public TimeSpan? TimeSinceRenewal => RenewedAt is { } renewed ? DatabaseNow - renewed : null;

    /// <summary>Whether <paramref name="holderId"/> holds the lease and it has not lapsed.</summary>
    /// <param name="holderId">The identity to test.</param>
    /// <returns><see langword="true"/> when that identity holds a live lease.</returns>
    public bool IsHeldBy(string holderId) => IsHeld && string.Equals(Holder!.Id, holderId, StringComparison.Ordinal);

    /// <summary>The token of the current grant, if the lease is held.</summary>
    /// <returns>The token, or <see langword="null"/> when nobody holds the lease.</returns>
    public LeaseToken? ToToken() => Holder is null ? null : new LeaseToken(LeaseName, Holder.Id, Epoch);
}
