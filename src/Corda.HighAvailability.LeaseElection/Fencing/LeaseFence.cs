using Corda.HighAvailability.LeaseElection.Storage;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.LeaseElection.Fencing;

/// <summary>Fenced writes under this host's current grant; the database, not this host's belief, has the last word.</summary>
internal sealed class LeaseFence(ILeaseElector elector, ILeaseStore store, IOptions<LeaseElectionOptions> options) : ILeaseFence
{
    public Task<T> ExecuteAsync<T>(Func<FencedTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);

        // CurrentLease checks the renew deadline on the monotonic clock: a host resumed after a pause is refused here,
        // before anything is sent, even if its deadline timer has not run yet.
        var token = elector.CurrentLease ?? throw new LeaseFencedException(null, elector.ObservedLease);
        return store.ExecuteFencedAsync(token, options.Value.EffectiveFencedWriteTimeout, work, cancellationToken);
    }
}
