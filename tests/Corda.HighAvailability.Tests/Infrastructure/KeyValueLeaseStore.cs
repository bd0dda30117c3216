using Corda.HighAvailability.LeaseElection.Fencing;
using Corda.HighAvailability.LeaseElection.Storage;

namespace Corda.HighAvailability.Tests.Infrastructure;

/// <summary>Writes to apply atomically under the grant.</summary>
internal sealed class KeyValueBatch
{
    internal Dictionary<string, string> Puts { get; } = [];

    public int Put(string key, string value)
    {
        Puts[key] = value;
        return Puts.Count;
    }
}

/// <summary>A consensus-store stand-in: the lease operations of the in-memory store, plus key-value batches.</summary>
internal sealed class KeyValueLeaseStore(InMemoryLeaseStore leases) : ILeaseStore, IFencedLeaseStore<KeyValueBatch>
{
    private readonly object _sync = new();

    public InMemoryLeaseStore Leases { get; } = leases;

    public Dictionary<string, string> Values { get; } = [];

    public string ProviderName => "key-value";

    public async Task<T> ExecuteFencedAsync<T>(LeaseToken token, TimeSpan timeout, Func<KeyValueBatch, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        var batch = new KeyValueBatch();
        var result = await work(batch, cancellationToken);

        // Compare and apply in one step, as an etcd transaction compares the lease key's revision.
        lock (_sync)
        {
            var current = Leases.ReadAsync(token.LeaseName, cancellationToken).GetAwaiter().GetResult();
            if (current?.Holder?.Id != token.HolderId || current.Epoch != token.Epoch)
            {
                throw new LeaseFencedException(token, current);
            }

            foreach (var (key, value) in batch.Puts)
            {
                Values[key] = value;
            }
        }

        return result;
    }

    public Task<LeaseRecord?> ReadAsync(string leaseName, CancellationToken cancellationToken) => Leases.ReadAsync(leaseName, cancellationToken);

    public Task<LeaseAttemptResult> TryAcquireAsync(string leaseName, LeaseHolder holder, TimeSpan leaseDuration, long? expectedRevision, CancellationToken cancellationToken) =>
        Leases.TryAcquireAsync(leaseName, holder, leaseDuration, expectedRevision, cancellationToken);

    public Task<LeaseAttemptResult> TryRenewAsync(LeaseToken token, TimeSpan leaseDuration, CancellationToken cancellationToken) => Leases.TryRenewAsync(token, leaseDuration, cancellationToken);

    public Task<bool> ReleaseAsync(LeaseToken token, CancellationToken cancellationToken) => Leases.ReleaseAsync(token, cancellationToken);

    public Task<LeaseRecord?> ForceReleaseAsync(string leaseName, CancellationToken cancellationToken) => Leases.ForceReleaseAsync(leaseName, cancellationToken);

    public Task<bool> WaitForChangeAsync(string leaseName, TimeSpan timeout, CancellationToken cancellationToken) => Leases.WaitForChangeAsync(leaseName, timeout, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
