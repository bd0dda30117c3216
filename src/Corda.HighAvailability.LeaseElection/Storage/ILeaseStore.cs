namespace Corda.HighAvailability.LeaseElection.Storage;

/// <summary>
/// The storage side of lease election: what every backend implements, SQL or not. A consensus store (etcd: a key
/// with a revision, compare-and-swap transactions) can implement it as well as a database table can.
/// </summary>
/// <remarks>
/// Optional abilities are separate interfaces: <see cref="ILeaseSchemaStore"/> (a table that can be created and
/// scripted) and <see cref="IFencedLeaseStore{TWrite}"/> (writes committed only under the current grant, in the
/// backend's own kind of transaction). SQL providers implement all three through <see cref="ISqlLeaseStore"/>.
/// </remarks>
/// <remarks>
/// Rules every implementation keeps, because the elector's safety rests on them:
/// <list type="bullet">
/// <item>All times written come from the database server's clock, never from the caller's; they are for operators.
/// No decision of the store depends on a clock: acquire compares the row's revision, renew and release its holder
/// and epoch, so that a step of the server's clock can neither grant nor end a lease.</item>
/// <item>Acquire, renew and release are each one atomic round trip (compare-and-set), safe with any number of
/// candidates racing.</item>
/// <item>The epoch increases on every successful acquire (so at least whenever the holder changes) and on a forced
/// release; the revision increases on every write of the row.</item>
/// <item>Identifiers are validated and every value is a bound parameter.</item>
/// </list>
/// </remarks>
public interface ILeaseStore : IAsyncDisposable
{
    /// <summary>A short provider name for logs and tools, e.g. <c>sqlite</c> or <c>postgres</c>.</summary>
    string ProviderName { get; }

    /// <summary>Reads a lease row.</summary>
    /// <param name="leaseName">Name of the lease.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The row, or <see langword="null"/> when the lease was never taken.</returns>
    Task<LeaseRecord?> ReadAsync(string leaseName, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the lease if nobody holds it (no row, or released), or if the row still has
    /// <paramref name="expectedRevision"/>: the caller saw that revision unchanged for a whole lease duration on its
    /// own clock, so its holder stopped renewing. The epoch increases on success. The row's holder is never compared
    /// with <paramref name="holder"/>: a candidate does not take over a grant because it carries its own identity.
    /// </summary>
    /// <param name="leaseName">Name of the lease.</param>
    /// <param name="holder">The candidate.</param>
    /// <param name="leaseDuration">Written as the expiry for operators (database clock); elections do not read it.</param>
    /// <param name="expectedRevision">The revision the caller saw lapse, or <see langword="null"/> to take only a free lease.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether the lease was taken, and the row after the attempt.</returns>
    Task<LeaseAttemptResult> TryAcquireAsync(string leaseName, LeaseHolder holder, TimeSpan leaseDuration, long? expectedRevision, CancellationToken cancellationToken);

    /// <summary>
    /// Extends a grant, only if the row still carries the token's holder and epoch: once another candidate took
    /// over (a new epoch) or the grant was released, it is never revived. The revision increases on success.
    /// </summary>
    /// <param name="token">The grant to extend.</param>
    /// <param name="leaseDuration">New duration, from the database's now.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether it was renewed, and the row after the attempt.</returns>
    Task<LeaseAttemptResult> TryRenewAsync(LeaseToken token, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>Gives a grant up at once so that a standby can take over without waiting for expiry.</summary>
    /// <param name="token">The grant to release.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> if the row still carried the token and was released.</returns>
    Task<bool> ReleaseAsync(LeaseToken token, CancellationToken cancellationToken);

    /// <summary>
    /// Operator action: releases the lease whoever holds it and increases the epoch, so that the old holder's
    /// fenced writes and renewals are rejected from now on.
    /// </summary>
    /// <param name="leaseName">Name of the lease.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The row after the release, or <see langword="null"/> when the lease does not exist.</returns>
    Task<LeaseRecord?> ForceReleaseAsync(string leaseName, CancellationToken cancellationToken);

    /// <summary>
    /// Waits until the lease row may have changed (a release or a new grant) or <paramref name="timeout"/> passes,
    /// whichever is first. Providers with change notification (PostgreSQL LISTEN/NOTIFY) wake at once; others
    /// detect changes cheaply (SQLite <c>PRAGMA data_version</c>).
    /// </summary>
    /// <param name="leaseName">Name of the lease.</param>
    /// <param name="timeout">The longest wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> if a change was signalled, <see langword="false"/> on timeout.</returns>
    Task<bool> WaitForChangeAsync(string leaseName, TimeSpan timeout, CancellationToken cancellationToken);
}
