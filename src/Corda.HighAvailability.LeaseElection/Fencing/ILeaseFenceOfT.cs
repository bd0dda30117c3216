namespace Corda.HighAvailability.LeaseElection.Fencing;

/// <summary>
/// Makes writes of the store's own kind (<typeparamref name="TWrite"/>) that are committed only while this host's
/// lease grant is still the current one, checked by the store in the same atomic step. Resolving it fails with a
/// clear message when the configured store offers no fenced writes of that kind
/// (see <see cref="Storage.IFencedLeaseStore{TWrite}"/>).
/// </summary>
/// <typeparam name="TWrite">What the work receives to make its writes.</typeparam>
public interface ILeaseFence<TWrite>
{
    /// <summary>
    /// Runs <paramref name="work"/> under this host's current grant; what it wrote is committed only if the grant is
    /// still current at commit time, and only within <see cref="LeaseElectionOptions.FencedWriteTimeout"/>.
    /// </summary>
    /// <typeparam name="T">What the work returns.</typeparam>
    /// <param name="work">The writes.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>What <paramref name="work"/> returned.</returns>
    /// <exception cref="LeaseFencedException">This host does not lead, or its grant is no longer current.</exception>
    /// <exception cref="FencedWriteTimeoutException">The write did not finish within its limit; nothing was committed.</exception>
    Task<T> ExecuteAsync<T>(Func<TWrite, CancellationToken, Task<T>> work, CancellationToken cancellationToken);
}
