using Corda.HighAvailability.LeaseElection.Storage;

namespace Corda.HighAvailability.LeaseElection.Fencing;

/// <summary>Fenced writes under this host's current grant; the database, not this host's belief, has the last word.</summary>
internal sealed class LeaseFence(ILeaseElector elector, ILeaseStore store) : ILeaseFence
{
    public Task<T> ExecuteAsync<T>(Func<FencedTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var token = elector.CurrentLease ?? throw new LeaseFencedException(null, elector.ObservedLease);
        return store.ExecuteFencedAsync(token, work, cancellationToken);
    }
}
