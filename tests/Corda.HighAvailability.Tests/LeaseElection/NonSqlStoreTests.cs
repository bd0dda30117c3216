using Corda.HighAvailability.LeaseElection;
using Corda.HighAvailability.LeaseElection.Fencing;
using Corda.HighAvailability.LeaseElection.Storage;
using Corda.HighAvailability.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Corda.HighAvailability.Tests.LeaseElection;

/// <summary>
/// The store contract does not assume SQL: a store with only the core operations runs the election, and a store
/// with its own kind of fenced write (here a key-value batch checked against the grant, as an etcd transaction
/// would compare the lease) serves <see cref="ILeaseFence{TWrite}"/>.
/// </summary>
public sealed class NonSqlStoreTests
{
    private const string Lease = "corda-node";
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task A_key_value_store_offers_fenced_batches_that_a_superseded_grant_cannot_commit()
    {
        var store = new KeyValueLeaseStore(new InMemoryLeaseStore(_time));
        await using var host = new ElectionHarness(store.Leases, (TimeProvider)_time, "a", null, election => election.UseStore(_ => store));
        host.Start();
        await _time.AdvanceUntilAsync(() => host.Elector.IsLeader, Limit);
        var fence = host.Services.GetRequiredService<ILeaseFence<KeyValueBatch>>();

        await fence.ExecuteAsync((batch, _) => Task.FromResult(batch.Put("active-host", "a")), Ct);
        Assert.Equal("a", store.Values["active-host"]);

        store.Leases.Steal(Lease, "b", TimeSpan.FromSeconds(15));
        var token = host.Elector.CurrentLease!;
        await Assert.ThrowsAsync<LeaseFencedException>(() => store.ExecuteFencedAsync(token, TimeSpan.FromSeconds(1), (batch, _) => Task.FromResult(batch.Put("active-host", "stale")), Ct));
        Assert.Equal("a", store.Values["active-host"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task Asking_a_store_without_sql_transactions_for_the_sql_fence_fails_with_a_clear_message()
    {
        await using var host = new ElectionHarness(new InMemoryLeaseStore(_time), _time, "a");

        var error = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<ILeaseFence>());

        Assert.Contains("offers no fenced writes of FencedTransaction", error.Message, StringComparison.Ordinal);
    }
}
