using System.Data.Common;
using System.Diagnostics;
using Corda.HighAvailability.LeaseElection.Fencing;
using Corda.HighAvailability.LeaseElection.Storage;

namespace Corda.HighAvailability.IntegrationTests.Infrastructure;

/// <summary>
/// The behaviour every <see cref="ILeaseStore"/> must show against its real database. Each provider runs the same
/// tests through a subclass that says how to create a store and open a plain connection.
/// </summary>
public abstract class LeaseStoreContractTests : IAsyncLifetime
{
    protected static readonly TimeSpan LongLease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ShortLease = TimeSpan.FromMilliseconds(300);
    private readonly List<ISqlLeaseStore> _stores = [];

    protected string LeaseName { get; } = "lease-" + Guid.NewGuid().ToString("N")[..12];

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Name of the provider's options class, which validation messages must name.</summary>
    protected abstract string OptionsName { get; }

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        _stores.Clear();
    }

    /// <summary>Creates a store on <paramref name="tableName"/> without touching the database.</summary>
    protected abstract ISqlLeaseStore NewStore(string tableName);

    /// <summary>Opens a plain connection to the store's database, to check effects independently of the store.</summary>
    protected abstract Task<DbConnection> OpenConnectionAsync();

    /// <summary>Returns once <paramref name="store"/> would notice a change made right now by another store.</summary>
    protected virtual Task WhenWatchingAsync(ILeaseStore store, string leaseName) => Task.CompletedTask;

    protected async Task<ISqlLeaseStore> CreateStoreAsync(string tableName = "corda_ha_lease")
    {
        var store = NewStore(tableName);
        _stores.Add(store);
        await store.EnsureSchemaAsync(Ct);
        return store;
    }

    protected static LeaseHolder Holder(string id) => new(id, "host-" + id, 4242, "1.2.3");

    [Fact]
    public async Task First_acquire_gets_epoch_one_and_records_the_holder()
    {
        var store = await CreateStoreAsync();

        var result = await store.TryAcquireAsync(LeaseName, Holder("a"), LongLease, null, Ct);

        Assert.True(result.Succeeded);
        var record = result.Record!;
        Assert.Equal(1, record.Epoch);
        Assert.Equal("a", record.Holder!.Id);
        Assert.Equal("host-a", record.Holder.Machine);
        Assert.Equal(4242, record.Holder.ProcessId);
        Assert.Equal("1.2.3", record.Holder.Version);
        Assert.Equal(new LeaseToken(LeaseName, "a", 1), result.Token);
        Assert.True(record.IsHeldBy("a"));
    }

    [Fact]
    public async Task A_held_lease_cannot_be_acquired_by_another_candidate()
    {
        var a = await CreateStoreAsync();
        var b = await CreateStoreAsync();
        await a.TryAcquireAsync(LeaseName, Holder("a"), LongLease, null, Ct);

        var result = await b.TryAcquireAsync(LeaseName, Holder("b"), LongLease, null, Ct);

        Assert.False(result.Succeeded);
        Assert.Null(result.Token);
        Assert.Equal("a", result.Record!.Holder!.Id);
        Assert.Equal(1, result.Record.Epoch);
        var stored = await b.ReadAsync(LeaseName, Ct);
        Assert.Equal("a", stored!.Holder!.Id);
        Assert.Equal(1, stored.Epoch);
    }

    [Fact]
    public async Task A_held_lease_is_taken_over_only_by_a_compare_and_set_on_the_revision_seen()
    {
        var a = await CreateStoreAsync();
        var b = await CreateStoreAsync();
        var first = (await a.TryAcquireAsync(LeaseName, Holder("a"), ShortLease, null, Ct)).Record!;
        await Task.Delay(ShortLease * 2, Ct);

        // The store decides on no clock: a grant the database clock calls expired is still not free...
        Assert.False((await b.TryAcquireAsync(LeaseName, Holder("b"), LongLease, null, Ct)).Succeeded);

        // ...and a candidate whose view is out of date (the holder renewed since) loses the compare-and-set.
        var seen = (await b.ReadAsync(LeaseName, Ct))!;
        await a.TryRenewAsync(first.ToToken()!, ShortLease, Ct);
        Assert.False((await b.TryAcquireAsync(LeaseName, Holder("b"), LongLease, seen.Revision, Ct)).Succeeded);

        var current = (await b.ReadAsync(LeaseName, Ct))!;
        var taken = await b.TryAcquireAsync(LeaseName, Holder("b"), LongLease, current.Revision, Ct);

        Assert.True(taken.Succeeded);
        Assert.Equal(2, taken.Record!.Epoch);
        Assert.Equal("b", taken.Record.Holder!.Id);
        Assert.Equal(current.Revision + 1, taken.Record.Revision);
    }

    [Fact]
    public async Task A_grant_is_never_inherited_by_a_candidate_with_the_same_identity()
    {
        var a = await CreateStoreAsync();
        var twin = await CreateStoreAsync();
        var held = (await a.TryAcquireAsync(LeaseName, new LeaseHolder("node-1", "m1", 1, null, "instance-1"), LongLease, null, Ct)).Record!;

        var attempt = await twin.TryAcquireAsync(LeaseName, new LeaseHolder("node-1", "m2", 2, null, "instance-2"), LongLease, null, Ct);

        Assert.False(attempt.Succeeded);
        Assert.Equal(held.Epoch, attempt.Record!.Epoch);
        Assert.Equal("instance-1", attempt.Record.Holder!.InstanceId);
    }

    [Fact]
    public async Task Renew_extends_the_expiry_and_keeps_the_epoch()
    {
        var store = await CreateStoreAsync();
        var acquired = await store.TryAcquireAsync(LeaseName, Holder("a"), LongLease, null, Ct);
        await Task.Delay(50, Ct);

        var renewed = await store.TryRenewAsync(acquired.Token!, LongLease, Ct);

        Assert.True(renewed.Succeeded);
        Assert.Equal(acquired.Token, renewed.Token);
        Assert.Equal(acquired.Record!.AcquiredAt, renewed.Record!.AcquiredAt);
        Assert.True(renewed.Record.RenewedAt > acquired.Record.RenewedAt);
        Assert.True(renewed.Record.ExpiresAt > acquired.Record.ExpiresAt);
        Assert.Equal(acquired.Record.Revision + 1, renewed.Record.Revision);
    }

    [Fact]
    public async Task A_released_grant_is_never_renewed_and_its_holder_acquires_a_new_epoch()
    {
        var store = await CreateStoreAsync();
        var released = (await store.TryAcquireAsync(LeaseName, Holder("a"), LongLease, null, Ct)).Token!;
        Assert.True(await store.ReleaseAsync(released, Ct));

        var renewed = await store.TryRenewAsync(released, LongLease, Ct);

        // The holder must acquire again, under a new epoch: nothing after a release carries the old one.
        Assert.False(renewed.Succeeded);
        Assert.Null(renewed.Record!.Holder);
        var again = await store.TryAcquireAsync(LeaseName, Holder("a"), LongLease, null, Ct);
        Assert.True(again.Succeeded);
        Assert.Equal(released.Epoch + 1, again.Token!.Epoch);
    }

    [Fact]
    public async Task Renew_with_a_stale_epoch_fails_and_returns_the_current_holder()
    {
        var a = await CreateStoreAsync();
        var b = await CreateStoreAsync();
        var stale = (await a.TryAcquireAsync(LeaseName, Holder("a"), LongLease, null, Ct)).Token!;
        await b.ForceReleaseAsync(LeaseName, Ct);
        var current = await b.TryAcquireAsync(LeaseName, Holder("b"), LongLease, null, Ct);
        Assert.True(current.Succeeded);

        var renewed = await a.TryRenewAsync(stale, LongLease, Ct);

        Assert.False(renewed.Succeeded);
        Assert.Equal("b", renewed.Record!.Holder!.Id);
        Assert.Equal(3, renewed.Record.Epoch);
        var stored = await a.ReadAsync(LeaseName, Ct);
        Assert.Equal(current.Record!.ExpiresAt, stored!.ExpiresAt);
    }

    [Fact]
    public async Task Release_lets_another_candidate_acquire_at_once()
    {
        var a = await CreateStoreAsync();
        var b = await CreateStoreAsync();
        var token = (await a.TryAcquireAsync(LeaseName, Holder("a"), LongLease, null, Ct)).Token!;

        Assert.True(await a.ReleaseAsync(token, Ct));
        Assert.False(await a.ReleaseAsync(token, Ct));
        var released = await b.ReadAsync(LeaseName, Ct);
        Assert.Null(released!.Holder);
        Assert.False(released.IsHeld);

        var taken = await b.TryAcquireAsync(LeaseName, Holder("b"), LongLease, null, Ct);
        Assert.True(taken.Succeeded);
        Assert.Equal(2, taken.Record!.Epoch);
    }

    [Fact]
    public async Task Force_release_bumps_the_epoch_and_fences_the_old_holder()
    {
        var a = await CreateStoreAsync();
        var b = await CreateStoreAsync();
        await CreateEffectTableAsync();
        var token = (await a.TryAcquireAsync(LeaseName, Holder("a"), LongLease, null, Ct)).Token!;

        var forced = await b.ForceReleaseAsync(LeaseName, Ct);

        Assert.NotNull(forced);
        Assert.Null(forced.Holder);
        Assert.Equal(token.Epoch + 1, forced.Epoch);
        Assert.Null(await b.ForceReleaseAsync("no-such-lease-" + LeaseName, Ct));

        var renewed = await a.TryRenewAsync(token, LongLease, Ct);
        Assert.False(renewed.Succeeded);
        Assert.Equal(token.Epoch + 1, renewed.Record!.Epoch);

        var fenced = await Assert.ThrowsAsync<LeaseFencedException>(() => WriteEffectAsync(a, token, "after-force"));
        Assert.Equal(token, fenced.Token);
        Assert.Equal(token.Epoch + 1, fenced.Current!.Epoch);
        Assert.Equal(0, await CountEffectAsync("after-force"));

        var taken = await b.TryAcquireAsync(LeaseName, Holder("b"), LongLease, null, Ct);
        Assert.True(taken.Succeeded);
        Assert.Equal(token.Epoch + 2, taken.Record!.Epoch);
    }

    [Fact]
    public async Task A_fenced_write_commits_under_the_current_grant()
    {
        var store = await CreateStoreAsync();
        await CreateEffectTableAsync();
        var token = (await store.TryAcquireAsync(LeaseName, Holder("a"), LongLease, null, Ct)).Token!;

        var returned = await WriteEffectAsync(store, token, "current");

        Assert.Equal(1, returned);
        Assert.Equal(1, await CountEffectAsync("current"));
    }

    [Fact]
    public async Task A_fenced_write_under_a_superseded_grant_is_rolled_back()
    {
        var a = await CreateStoreAsync();
        var b = await CreateStoreAsync();
        await CreateEffectTableAsync();
        var stale = (await a.TryAcquireAsync(LeaseName, Holder("a"), ShortLease, null, Ct)).Token!;
        await WaitUntilAcquiredAsync(b, "b");

        var fenced = await Assert.ThrowsAsync<LeaseFencedException>(() => WriteEffectAsync(a, stale, "stale"));

        Assert.Equal("b", fenced.Current!.Holder!.Id);
        Assert.Equal(0, await CountEffectAsync("stale"));
    }

    [Fact]
    public async Task A_fenced_write_under_a_released_grant_is_rolled_back()
    {
        var store = await CreateStoreAsync();
        await CreateEffectTableAsync();
        var token = (await store.TryAcquireAsync(LeaseName, Holder("a"), LongLease, null, Ct)).Token!;
        await store.ReleaseAsync(token, Ct);

        await Assert.ThrowsAsync<LeaseFencedException>(() => WriteEffectAsync(store, token, "released"));

        Assert.Equal(0, await CountEffectAsync("released"));
    }

    [Fact]
    public async Task A_fenced_transaction_older_than_its_limit_is_rolled_back_not_committed()
    {
        var store = await CreateStoreAsync();
        await CreateEffectTableAsync();
        var token = (await store.TryAcquireAsync(LeaseName, Holder("a"), LongLease, null, Ct)).Token!;

        // The work outlives the limit without honouring its token: the store must still refuse to commit it.
        var timedOut = await Assert.ThrowsAsync<FencedWriteTimeoutException>(() => store.ExecuteFencedAsync(
            token,
            TimeSpan.FromMilliseconds(300),
            async (fenced, ct) =>
            {
                await using var command = fenced.CreateCommand();
                command.CommandText = "INSERT INTO fenced_effect (id) VALUES ('too-late')";
                await command.ExecuteNonQueryAsync(CancellationToken.None);
                await Task.Delay(TimeSpan.FromMilliseconds(600), CancellationToken.None);
                return 1;
            },
            Ct));

        Assert.Contains("FencedWriteTimeout", timedOut.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMilliseconds(300), timedOut.Limit);
        Assert.Equal(0, await CountEffectAsync("too-late"));
        Assert.Equal(1, await WriteEffectAsync(store, token, "in-time"));
    }

    [Fact]
    public async Task Operations_on_a_missing_table_say_so_and_name_both_remedies()
    {
        var store = NewStore("no_such_lease_table");

        var missing = await Assert.ThrowsAsync<LeaseSchemaMissingException>(() => store.ReadAsync(LeaseName, Ct));

        Assert.Contains("no_such_lease_table", missing.Message, StringComparison.Ordinal);
        Assert.Contains("corda-ha lease schema", missing.Message, StringComparison.Ordinal);
        Assert.Contains("AutoCreateSchema", missing.Message, StringComparison.Ordinal);
        await store.DisposeAsync();
    }

    [Fact]
    public async Task Times_come_from_the_database_clock()
    {
        var store = await CreateStoreAsync();
        var duration = TimeSpan.FromSeconds(10);

        var acquired = (await store.TryAcquireAsync(LeaseName, Holder("a"), duration, null, Ct)).Record!;
        var renewed = (await store.TryRenewAsync(acquired.ToToken()!, duration, Ct)).Record!;
        var read = (await store.ReadAsync(LeaseName, Ct))!;

        foreach (var record in new[] { acquired, renewed })
        {
            Assert.NotEqual(default, record.DatabaseNow);
            Assert.InRange(record.ExpiresAt - record.RenewedAt!.Value, duration - TimeSpan.FromMilliseconds(5), duration + TimeSpan.FromMilliseconds(5));
            Assert.InRange(record.TimeToExpiry, duration - TimeSpan.FromSeconds(1), duration + TimeSpan.FromMilliseconds(5));
        }

        Assert.Equal(acquired.AcquiredAt, acquired.RenewedAt);
        Assert.True(read.DatabaseNow >= renewed.RenewedAt);

        // The database runs on this machine, so its clock is close to ours; a zero or local-time value would not be.
        Assert.InRange(read.DatabaseNow, DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow + TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Racing_candidates_elect_exactly_one_winner_per_round_with_rising_epochs()
    {
        const int candidates = 8;
        const int rounds = 20;
        var stores = new List<ILeaseStore>();
        for (var i = 0; i < candidates; i++)
        {
            stores.Add(await CreateStoreAsync());
        }

        long lastEpoch = 0;
        for (var round = 0; round < rounds; round++)
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var attempts = stores.Select((store, i) => Task.Run(
                async () =>
                {
                    await start.Task;
                    return await store.TryAcquireAsync(LeaseName, Holder($"c{i}"), LongLease, null, Ct);
                },
                Ct)).ToArray();
            start.SetResult();
            var results = await Task.WhenAll(attempts);

            var winners = results.Where(r => r.Succeeded).ToArray();
            Assert.True(winners.Length == 1, $"round {round}: {winners.Length} winners ({string.Join(", ", winners.Select(w => w.Token))})");
            var token = winners[0].Token!;
            Assert.True(token.Epoch > lastEpoch, $"round {round}: epoch {token.Epoch} after {lastEpoch}");
            lastEpoch = token.Epoch;
            var stored = await stores[0].ReadAsync(LeaseName, Ct);
            Assert.Equal(token, stored!.ToToken());

            var winnerStore = stores[results.ToList().IndexOf(winners[0])];
            Assert.True(await winnerStore.ReleaseAsync(token, Ct));
        }
    }

    [Fact]
    public async Task Wait_for_change_wakes_promptly_after_a_release_by_another_store()
    {
        var leader = await CreateStoreAsync();
        var standby = await CreateStoreAsync();
        var token = (await leader.TryAcquireAsync(LeaseName, Holder("a"), LongLease, null, Ct)).Token!;
        await WhenWatchingAsync(standby, LeaseName);

        var wait = standby.WaitForChangeAsync(LeaseName, TimeSpan.FromSeconds(20), Ct);
        await Task.Delay(300, Ct);
        Assert.False(wait.IsCompleted, "the wait ended although nothing changed");
        var sinceRelease = Stopwatch.StartNew();
        Assert.True(await leader.ReleaseAsync(token, Ct));
        var changed = await wait;
        sinceRelease.Stop();

        Assert.True(changed);
        Assert.True(sinceRelease.Elapsed < TimeSpan.FromSeconds(1), $"woke {sinceRelease.Elapsed} after the release");
    }

    [Fact]
    public async Task A_release_between_a_lost_acquire_and_the_next_wait_is_not_slept_through()
    {
        var leader = await CreateStoreAsync();
        var standby = await CreateStoreAsync();
        var token = (await leader.TryAcquireAsync(LeaseName, Holder("a"), LongLease, null, Ct)).Token!;
        Assert.False((await standby.TryAcquireAsync(LeaseName, Holder("b"), LongLease, null, Ct)).Succeeded);
        await WhenWatchingAsync(standby, LeaseName);

        // The release lands before the standby starts waiting: its wait must end at once, not at the old expiry.
        Assert.True(await leader.ReleaseAsync(token, Ct));
        var waited = Stopwatch.StartNew();
        var changed = await standby.WaitForChangeAsync(LeaseName, TimeSpan.FromSeconds(20), Ct);
        waited.Stop();

        Assert.True(changed);
        Assert.True(waited.Elapsed < TimeSpan.FromSeconds(1), $"woke {waited.Elapsed} after the release");
    }

    [Fact]
    public async Task Wait_for_change_returns_false_after_the_timeout_when_nothing_changes()
    {
        var leader = await CreateStoreAsync();
        var standby = await CreateStoreAsync();
        await leader.TryAcquireAsync(LeaseName, Holder("a"), LongLease, null, Ct);
        var timeout = TimeSpan.FromMilliseconds(300);

        var waited = Stopwatch.StartNew();
        var changed = await standby.WaitForChangeAsync(LeaseName, timeout, Ct);
        waited.Stop();

        Assert.False(changed);
        Assert.InRange(waited.Elapsed, timeout - TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("x; drop table y")]
    [InlineData("x-y")]
    [InlineData("t\"")]
    public void A_bad_table_name_is_refused_at_construction_naming_the_option(string tableName)
    {
        var error = Assert.Throws<ArgumentException>(() => NewStore(tableName));

        Assert.Contains($"{OptionsName}.TableName '{tableName}' is not a valid SQL identifier", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_schema_script_creates_a_working_table_when_applied_by_hand()
    {
        var table = "by_hand_" + Guid.NewGuid().ToString("N")[..8];
        var store = NewStore(table);
        _stores.Add(store);
        var script = store.GetSchemaScript();
        Assert.Contains(table, script, StringComparison.Ordinal);

        await using (var connection = await OpenConnectionAsync())
        {
            await using var command = connection.CreateCommand();
            command.CommandText = script;
            await command.ExecuteNonQueryAsync(Ct);
        }

        var result = await store.TryAcquireAsync(LeaseName, Holder("a"), LongLease, null, Ct);
        Assert.True(result.Succeeded);
        Assert.Equal(1, result.Record!.Epoch);
        Assert.True(await store.ReleaseAsync(result.Token!, Ct));
    }

    /// <summary>Takes the lease over as an elector would once it saw the holder's revision lapse.</summary>
    protected async Task WaitUntilAcquiredAsync(ILeaseStore store, string holder)
    {
        var seen = await store.ReadAsync(LeaseName, Ct);
        Assert.True((await store.TryAcquireAsync(LeaseName, Holder(holder), LongLease, seen?.Revision, Ct)).Succeeded, $"'{holder}' could not take the lease over");
    }

    protected async Task CreateEffectTableAsync()
    {
        await using var connection = await OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE IF NOT EXISTS fenced_effect (id VARCHAR(100) NOT NULL PRIMARY KEY)";
        await command.ExecuteNonQueryAsync(Ct);
    }

    /// <summary>Inserts a marker row through a fenced transaction; returns the affected row count.</summary>
    protected static Task<int> WriteEffectAsync(ISqlLeaseStore store, LeaseToken token, string id) =>
        store.ExecuteFencedAsync(
            token,
            TimeSpan.FromSeconds(5),
            async (fenced, ct) =>
            {
                await using var command = fenced.CreateCommand();
                command.CommandText = "INSERT INTO fenced_effect (id) VALUES (@id)";
                var parameter = command.CreateParameter();
                parameter.ParameterName = "@id";
                parameter.Value = id;
                command.Parameters.Add(parameter);
                return await command.ExecuteNonQueryAsync(ct);
            },
            Ct);

    protected async Task<long> CountEffectAsync(string id)
    {
        await using var connection = await OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM fenced_effect WHERE id = @id";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@id";
        parameter.Value = id;
        command.Parameters.Add(parameter);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
