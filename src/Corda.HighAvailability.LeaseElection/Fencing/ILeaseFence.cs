namespace Corda.HighAvailability.LeaseElection.Fencing;

/// <summary>
/// Makes database writes that succeed only while this host's lease grant is still the current one, checked by
/// the database in the same transaction as the write. A paused or partitioned former leader cannot write
/// through it, whatever it believes.
/// </summary>
public interface ILeaseFence
{
    /// <summary>
    /// Runs <paramref name="work"/> in a transaction on the lease's database, committed only if this host's
    /// grant is still current at commit time.
    /// </summary>
    /// <typeparam name="T">What the work returns.</typeparam>
    /// <param name="work">The writes, made through the given transaction.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>What <paramref name="work"/> returned.</returns>
    /// <exception cref="LeaseFencedException">This host does not lead, or its grant is no longer current.</exception>
    Task<T> ExecuteAsync<T>(Func<FencedTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken);
}
