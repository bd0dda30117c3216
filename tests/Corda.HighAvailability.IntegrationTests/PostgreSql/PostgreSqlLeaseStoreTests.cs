using System.Data.Common;
using Corda.HighAvailability.IntegrationTests.Infrastructure;
using Corda.HighAvailability.LeaseElection.Storage;
using Corda.HighAvailability.LeaseElection.PostgreSql;
using Npgsql;

namespace Corda.HighAvailability.IntegrationTests.PostgreSql;

/// <summary>The lease store contract on a real PostgreSQL server, plus what only PostgreSQL has.</summary>
public sealed class PostgreSqlLeaseStoreTests(PostgresServer server) : LeaseStoreContractTests
{
    private string _connectionString = string.Empty;

    protected override string OptionsName => nameof(PostgreSqlLeaseStoreOptions);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _connectionString = await server.GetClassDatabaseAsync(GetType());
    }

    protected override ISqlLeaseStore NewStore(string tableName) => NewStore(options => options.TableName = tableName);

    protected override async Task<DbConnection> OpenConnectionAsync()
    {
        var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(Ct);
        return connection;
    }

    protected override async Task WhenWatchingAsync(ILeaseStore store, string leaseName)
    {
        // The first wait opens the LISTEN connection; a release before LISTEN is in effect would go unheard.
        await store.WaitForChangeAsync(leaseName, TimeSpan.FromMilliseconds(1), Ct);
        await ((PostgreSqlLeaseStore)store).Listening.WaitAsync(TimeSpan.FromSeconds(15), Ct);
    }

    [Theory]
    [InlineData("bad\"schema")]
    [InlineData("x'; drop schema public; --")]
    public void A_bad_schema_name_is_refused_at_construction_naming_the_option(string schemaName)
    {
        var error = Assert.Throws<ArgumentException>(() => NewStore(options => options.SchemaName = schemaName));

        Assert.Contains($"PostgreSqlLeaseStoreOptions.SchemaName '{schemaName}' is not a valid SQL identifier", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_option_is_named_and_the_password_is_never_shown()
    {
        var error = Assert.Throws<ArgumentException>(() => new PostgreSqlLeaseStore(new PostgreSqlLeaseStoreOptions
        {
            ConnectionString = "Host=127.0.0.1;Password=hunter2-secret;No Such Keyword=hunter2-secret",
            NotificationChannel = "chan nel",
            CommandTimeout = TimeSpan.FromMilliseconds(10),
        }));

        Assert.Contains("PostgreSqlLeaseStoreOptions.ConnectionString is not a valid Npgsql connection string", error.Message, StringComparison.Ordinal);
        Assert.Contains("PostgreSqlLeaseStoreOptions.NotificationChannel 'chan nel'", error.Message, StringComparison.Ordinal);
        Assert.Contains("PostgreSqlLeaseStoreOptions.CommandTimeout", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_release_that_does_not_apply_notifies_nobody()
    {
        var leader = await CreateStoreAsync();
        var standby = await CreateStoreAsync();
        var token = (await leader.TryAcquireAsync(LeaseName, Holder("a"), LongLease, null, Ct)).Token!;
        await WhenWatchingAsync(standby, LeaseName);

        var wait = standby.WaitForChangeAsync(LeaseName, TimeSpan.FromMilliseconds(800), Ct);
        Assert.False(await leader.ReleaseAsync(new LeaseToken(LeaseName, "a", token.Epoch + 1), Ct));
        Assert.False(await leader.ReleaseAsync(new LeaseToken(LeaseName, "someone-else", token.Epoch), Ct));

        Assert.False(await wait);
        Assert.True((await standby.ReadAsync(LeaseName, Ct))!.IsHeldBy("a"));
    }

    [Fact]
    public async Task A_forced_release_wakes_waiting_standbys()
    {
        var leader = await CreateStoreAsync();
        var standby = await CreateStoreAsync();
        await leader.TryAcquireAsync(LeaseName, Holder("a"), LongLease, null, Ct);
        await WhenWatchingAsync(standby, LeaseName);

        var wait = standby.WaitForChangeAsync(LeaseName, TimeSpan.FromSeconds(20), Ct);
        await leader.ForceReleaseAsync(LeaseName, Ct);

        Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(5), Ct));
    }

    [Fact]
    public async Task Without_notifications_a_wait_runs_to_its_timeout_even_after_a_release()
    {
        var leader = await CreateStoreAsync();
        var quiet = NewStore(options => options.UseNotifications = false);
        await using var _ = quiet;
        var token = (await leader.TryAcquireAsync(LeaseName, Holder("a"), LongLease, null, Ct)).Token!;

        var wait = quiet.WaitForChangeAsync(LeaseName, TimeSpan.FromMilliseconds(500), Ct);
        Assert.True(await quiet.ReleaseAsync(token, Ct));

        Assert.False(await wait);
    }

    [Fact]
    public async Task A_store_in_a_custom_schema_works()
    {
        await using (var connection = await OpenConnectionAsync())
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE SCHEMA IF NOT EXISTS corda_ha";
            await command.ExecuteNonQueryAsync(Ct);
        }

        await using var store = NewStore(options => options.SchemaName = "corda_ha");
        await store.EnsureSchemaAsync(Ct);
        var result = await store.TryAcquireAsync(LeaseName, Holder("a"), LongLease, null, Ct);

        Assert.True(result.Succeeded);
        await using (var connection = await OpenConnectionAsync())
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM corda_ha.corda_ha_lease WHERE lease_name = @name";
            command.Parameters.Add(new NpgsqlParameter("name", LeaseName));
            Assert.Equal(1L, await command.ExecuteScalarAsync(Ct));
        }
    }

    [Fact]
    public async Task The_listener_reconnects_after_losing_its_connection_and_wakes_waiters_that_may_have_missed_a_release()
    {
        var leader = await CreateStoreAsync();

        // The standby's connections carry an application name of their own, so that the test terminates the
        // standby's LISTEN backend and not the leader's (both stores listen; which started last is a race).
        var application = "standby-" + Guid.NewGuid().ToString("N")[..8];
        await using var standby = NewStore(options => options.ConnectionString = new NpgsqlConnectionStringBuilder(_connectionString) { ApplicationName = application }.ToString());
        var token = (await leader.TryAcquireAsync(LeaseName, Holder("a"), LongLease, null, Ct)).Token!;
        await WhenWatchingAsync(standby, LeaseName);
        var listener = await ListenerBackendAsync(application);
        Assert.NotNull(listener);

        var duringOutage = standby.WaitForChangeAsync(LeaseName, TimeSpan.FromSeconds(20), Ct);
        await ExecuteAsync($"SELECT pg_terminate_backend({listener})");

        Assert.True(await duringOutage.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        await PollAsync(async () => await ListenerBackendAsync(application) is { } pid && pid != listener, "the listener never reconnected");
        var afterReconnect = standby.WaitForChangeAsync(LeaseName, TimeSpan.FromSeconds(20), Ct);
        await Task.Delay(300, Ct);
        Assert.True(await leader.ReleaseAsync(token, Ct));
        Assert.True(await afterReconnect.WaitAsync(TimeSpan.FromSeconds(5), Ct));
    }

    [Fact]
    public async Task Disposing_the_store_closes_its_pooled_and_listening_connections()
    {
        // Count only this store's connections (by application name): other tests' stores come and go meanwhile.
        const string application = "corda-ha-dispose-test";
        var store = NewStore(options => options.ConnectionString += $";Application Name={application}");
        await store.EnsureSchemaAsync(Ct);
        await store.TryAcquireAsync(LeaseName, Holder("a"), LongLease, null, Ct);
        await WhenWatchingAsync(store, LeaseName);
        var waiting = store.WaitForChangeAsync(LeaseName, TimeSpan.FromSeconds(20), Ct);
        Assert.True(await ConnectionsOfAsync(application) >= 2);

        await store.DisposeAsync();

        Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(5), Ct));
        await PollAsync(async () => await ConnectionsOfAsync(application) == 0, "the store left connections open");
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.WaitForChangeAsync(LeaseName, TimeSpan.FromSeconds(1), Ct));
    }

    private async Task<int?> ListenerBackendAsync(string application)
    {
        await using var connection = await OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = @application AND query LIKE 'LISTEN %' ORDER BY backend_start DESC LIMIT 1";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "application";
        parameter.Value = application;
        command.Parameters.Add(parameter);
        return await command.ExecuteScalarAsync(Ct) as int?;
    }

    private async Task<long> ConnectionsOfAsync(string application)
    {
        await using var connection = await OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = @application";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "application";
        parameter.Value = application;
        command.Parameters.Add(parameter);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static async Task PollAsync(Func<Task<bool>> condition, string failure)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), failure);
            await Task.Delay(50, Ct);
        }
    }

    private PostgreSqlLeaseStore NewStore(Action<PostgreSqlLeaseStoreOptions> configure)
    {
        var options = new PostgreSqlLeaseStoreOptions { ConnectionString = _connectionString };
        configure(options);
        return new PostgreSqlLeaseStore(options);
    }
}
