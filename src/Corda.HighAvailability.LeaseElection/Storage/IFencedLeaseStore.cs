namespace Corda.HighAvailability.LeaseElection.Storage;

/// <summary>
/// A lease store that can commit writes only while a grant is current, checked by the store itself in the same
/// atomic step as the writes. <typeparamref name="TWrite"/> is the store's own kind of write: a database transaction
/// (<see cref="Fencing.FencedTransaction"/>) for SQL stores, a batch of compare-and-swap operations for a consensus
/// store, and so on. Applications use it through <see cref="Fencing.ILeaseFence{TWrite}"/>.
/// </summary>
/// <typeparam name="TWrite">What the work receives to make its writes.</typeparam>
public interface IFencedLeaseStore<TWrite>
{
    /// <summary>
    /// Runs <paramref name="work"/> and commits what it wrote only if, in the same atomic step, the lease still
    /// carries the token's holder and epoch, and only within <paramref name="timeout"/> of the start. Otherwise
    /// nothing is committed and <see cref="Fencing.LeaseFencedException"/> (or, for the time limit,
    /// <see cref="Fencing.FencedWriteTimeoutException"/>) is thrown.
    /// </summary>
    /// <remarks>
    /// The time limit is enforced by the store's server where it can be (PostgreSQL ends a session idle or busy in
    /// the transaction for longer), so that a client that stalls or is cut off after the check cannot hold up a
    /// takeover for longer than <paramref name="timeout"/>.
    /// </remarks>
    /// <typeparam name="T">What the work returns.</typeparam>
    /// <param name="token">The grant the write is made under.</param>
    /// <param name="timeout">The longest the fenced write may live, work included.</param>
    /// <param name="work">The writes to make.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>What <paramref name="work"/> returned.</returns>
    Task<T> ExecuteFencedAsync<T>(LeaseToken token, TimeSpan timeout, Func<TWrite, CancellationToken, Task<T>> work, CancellationToken cancellationToken);
}
