using Corda.HighAvailability.LeaseElection.Storage;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.LeaseElection.Fencing;

/// <summary>Fenced writes under this host's current grant; the store, not this host's belief, has the last word.</summary>
/// <typeparam name="TWrite">The store's kind of write.</typeparam>
internal class LeaseFence<TWrite> : ILeaseFence<TWrite>
{
    private readonly ILeaseElector _elector;
    private readonly IFencedLeaseStore<TWrite> _store;
    private readonly IOptions<LeaseElectionOptions> _options;

    public LeaseFence(ILeaseElector elector, ILeaseStore store, IOptions<LeaseElectionOptions> options)
    {
        _elector = elector;
        _options = options;
        _store = store as IFencedLeaseStore<TWrite> ?? throw new InvalidOperationException(
            $"The lease store '{store.ProviderName}' ({store.GetType().Name}) offers no fenced writes of {typeof(TWrite).Name}: "
            + $"it does not implement {nameof(IFencedLeaseStore<TWrite>)}<{typeof(TWrite).Name}>.");
    }

    public Task<T> ExecuteAsync<T>(Func<TWrite, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);

        // CurrentLease checks the renew deadline on the monotonic clock: a host resumed after a pause is refused here,
        // before anything is sent, even if its deadline timer has not run yet.
        var token = _elector.CurrentLease ?? throw new LeaseFencedException(null, _elector.ObservedLease);
        return _store.ExecuteFencedAsync(token, _options.Value.EffectiveFencedWriteTimeout, work, cancellationToken);
    }
}

/// <summary>The SQL fence: fenced writes in a database transaction.</summary>
internal sealed class LeaseFence(ILeaseElector elector, ILeaseStore store, IOptions<LeaseElectionOptions> options)
    : LeaseFence<FencedTransaction>(elector, store, options), ILeaseFence;
