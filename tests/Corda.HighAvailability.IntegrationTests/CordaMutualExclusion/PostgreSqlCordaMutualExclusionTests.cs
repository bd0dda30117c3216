using Corda.HighAvailability.LeaseElection;
using Corda.HighAvailability.LeaseElection.CordaMutualExclusion;
using Corda.HighAvailability.LeaseElection.PostgreSql;
using Corda.HighAvailability.LeaseElection.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Corda.HighAvailability.IntegrationTests.CordaMutualExclusion;

/// <summary>
/// The reader of Corda Enterprise's <c>node_mutual_exclusion</c> row, the comparison with this library's lease
/// and the agreement health check, on a real PostgreSQL server. The table is created from Corda's documented
/// schema; every timestamp is written with the database's clock, never the test host's.
/// </summary>
public sealed class PostgreSqlCordaMutualExclusionTests(PostgresServer server) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(40);
    private static int _tables;
    private string _connectionString = string.Empty;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _connectionString = await server.GetClassDatabaseAsync(GetType());

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task A_recent_row_is_read_as_stored_and_is_live_by_the_database_clock()
    {
        var table = await CreateTableAsync();
        await InsertAsync(table, "/opt/corda/node/hostB", "4242", ageSeconds: 5, version: 7);

        var row = await Reader(table).ReadAsync(Wait, Ct);

        Assert.NotNull(row);
        Assert.Equal("/opt/corda/node/hostB", row.MachineName);
        Assert.Equal("hostB", row.HostName);
        Assert.Equal("4242", row.Pid);
        Assert.Equal(7, row.Version);
        Assert.Equal(Wait, row.WaitInterval);
        Assert.InRange(row.Age, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(30));
        Assert.True(row.IsLive);
        Assert.Equal(await StoredTimestampAsync(table), row.Timestamp);
    }

    [Fact]
    public async Task A_row_older_than_the_wait_interval_is_stale_and_a_longer_wait_makes_it_live()
    {
        var table = await CreateTableAsync();
        await InsertAsync(table, "/opt/corda/node/hostB", "4242", ageSeconds: 120, version: 3);

        var stale = await Reader(table).ReadAsync(Wait, Ct);
        var live = await Reader(table).ReadAsync(TimeSpan.FromMinutes(5), Ct);

        Assert.NotNull(stale);
        Assert.False(stale.IsLive);
        Assert.InRange(stale.Age, TimeSpan.FromSeconds(119), TimeSpan.FromSeconds(200));
        Assert.NotNull(live);
        Assert.True(live.IsLive);
    }

    [Fact]
    public async Task The_database_clock_is_read_in_the_configured_time_zone()
    {
        var table = await CreateTableAsync();
        await ExecuteAsync($"INSERT INTO {table} VALUES ('X', 'hostB', '1', clock_timestamp() AT TIME ZONE 'America/Los_Angeles', 0)");

        var sameZone = await Reader(table, o => o.TimeZone = "America/Los_Angeles").ReadAsync(Wait, Ct);
        var zoneAhead = await Reader(table, o => o.TimeZone = "Asia/Tokyo").ReadAsync(Wait, Ct);

        Assert.True(sameZone!.IsLive);
        Assert.False(zoneAhead!.IsLive);
    }

    [Fact]
    public async Task A_missing_table_or_schema_or_row_reads_as_null()
    {
        var table = await CreateTableAsync();

        Assert.Null(await Reader(table).ReadAsync(Wait, Ct));
        Assert.Null(await Reader("no_such_table_" + table).ReadAsync(Wait, Ct));
        Assert.Null(await Reader(table, o => o.SchemaName = "no_such_schema").ReadAsync(Wait, Ct));
    }

    [Fact]
    public async Task Only_the_row_keyed_X_is_read()
    {
        var table = await CreateTableAsync();
        await ExecuteAsync($"INSERT INTO {table} VALUES ('Y', 'hostB', '1', LOCALTIMESTAMP, 0)");

        Assert.Null(await Reader(table).ReadAsync(Wait, Ct));
    }

    [Theory]
    [InlineData("bad\"table")]
    [InlineData("x; drop table y")]
    public void A_bad_table_name_is_refused_naming_the_option(string tableName)
    {
        var error = Assert.Throws<ArgumentException>(() => Reader(tableName));

        Assert.Contains($"PostgreSqlCordaMutualExclusionOptions.TableName '{tableName}' is not a valid SQL identifier", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_statement_binds_every_value_as_a_parameter()
    {
        var sql = ((PostgreSqlCordaMutualExclusionReader)Reader("node_mutual_exclusion")).Read;

        Assert.Contains("mutual_exclusion_id = @id", sql, StringComparison.Ordinal);
        Assert.Contains("@time_zone", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("'X'", sql, StringComparison.Ordinal);
        Assert.Contains("clock_timestamp()", sql, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hostB", true, CordaMutualExclusionVerdict.Disagree)]
    [InlineData("HOSTA", true, CordaMutualExclusionVerdict.Agree)]
    [InlineData("hostB", false, CordaMutualExclusionVerdict.CordaGuardInactive)]
    public async Task The_lease_and_the_row_are_compared_by_machine(string cordaHost, bool live, CordaMutualExclusionVerdict expected)
    {
        var table = await CreateTableAsync();
        await InsertAsync(table, "/opt/corda/node/" + cordaHost, "99", ageSeconds: live ? 1 : 300, version: 1);
        await using var store = await LeaseStoreAsync(table);
        await store.TryAcquireAsync("corda", new LeaseHolder("a", machine: "hostA", processId: 11), TimeSpan.FromMinutes(1), null, Ct);

        var comparison = CordaMutualExclusionComparison.Compare(await store.ReadAsync("corda", Ct), await Reader(table).ReadAsync(Wait, Ct));

        Assert.Equal(expected, comparison.Verdict);
        Assert.Equal(expected != CordaMutualExclusionVerdict.Disagree, comparison.Agrees);
        Assert.Contains("hostA", comparison.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_live_row_without_a_lease_holder_is_a_vacant_lease_and_an_absent_row_is_an_inactive_guard()
    {
        var table = await CreateTableAsync();
        await using var store = await LeaseStoreAsync(table);
        await InsertAsync(table, "hostB", "99", ageSeconds: 1, version: 1);

        var vacant = CordaMutualExclusionComparison.Compare(await store.ReadAsync("corda", Ct), await Reader(table).ReadAsync(Wait, Ct));
        await store.TryAcquireAsync("corda", new LeaseHolder("a", machine: "hostA"), TimeSpan.FromMinutes(1), null, Ct);
        var absent = CordaMutualExclusionComparison.Compare(await store.ReadAsync("corda", Ct), await Reader("no_table_" + table).ReadAsync(Wait, Ct));

        Assert.Equal(CordaMutualExclusionVerdict.LeaseVacant, vacant.Verdict);
        Assert.Equal(CordaMutualExclusionVerdict.CordaGuardInactive, absent.Verdict);
        Assert.True(absent.Agrees);
    }

    [Theory]
    [InlineData("hostA", 1, null, HealthStatus.Healthy, "Agree")]
    [InlineData("hostB", 1, HealthStatus.Degraded, HealthStatus.Degraded, "Disagree")]
    [InlineData("hostB", 1, null, HealthStatus.Unhealthy, "Disagree")]
    [InlineData("hostB", 300, null, HealthStatus.Healthy, "CordaGuardInactive")]
    public async Task The_health_check_reports_disagreement_with_both_holders_in_its_data(
        string cordaHost, int ageSeconds, HealthStatus? failureStatus, HealthStatus expected, string verdict)
    {
        var table = await CreateTableAsync();
        await InsertAsync(table, "/opt/corda/node/" + cordaHost, "99", ageSeconds, version: 1);
        await using var store = await LeaseStoreAsync(table);
        await store.TryAcquireAsync("corda", new LeaseHolder("a", machine: "hostA", processId: 11), TimeSpan.FromMinutes(1), null, Ct);

        await using var provider = Services(store, table, failureStatus);
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);
        var entry = report.Entries["corda-mutual-exclusion-agreement"];

        Assert.Equal(expected, entry.Status);
        Assert.Equal(verdict, entry.Data["verdict"]);
        Assert.Equal("hostA", entry.Data["leaseHolderMachine"]);
        Assert.Equal("/opt/corda/node/" + cordaHost, entry.Data["cordaMachineName"]);
        Assert.Equal("99", entry.Data["cordaPid"]);
        Assert.Contains(cordaHost, entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_health_check_is_degraded_when_a_live_row_has_no_lease_holder_and_healthy_when_the_table_is_absent()
    {
        var table = await CreateTableAsync();
        await using var store = await LeaseStoreAsync(table);
        await InsertAsync(table, "hostB", "99", ageSeconds: 1, version: 1);

        await using var vacant = Services(store, table, null);
        await using var absent = Services(store, "no_table_" + table, null);
        var vacantEntry = (await vacant.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct)).Entries.Single().Value;
        var absentEntry = (await absent.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct)).Entries.Single().Value;

        Assert.Equal(HealthStatus.Degraded, vacantEntry.Status);
        Assert.Equal("LeaseVacant", vacantEntry.Data["verdict"]);
        Assert.Equal(HealthStatus.Healthy, absentEntry.Status);
        Assert.Equal(false, absentEntry.Data["cordaRowPresent"]);
    }

    private ServiceProvider Services(ILeaseStore store, string table, HealthStatus? failureStatus)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(store);
        services.Configure<LeaseElectionOptions>(o => o.LeaseName = "corda");
        services.AddPostgreSqlCordaMutualExclusionReader(_connectionString, o => o.TableName = table);
        services.AddHealthChecks().AddCordaMutualExclusionAgreement(Wait, failureStatus: failureStatus);
        return services.BuildServiceProvider();
    }

    private ICordaMutualExclusionReader Reader(string table, Action<PostgreSqlCordaMutualExclusionOptions>? configure = null)
    {
        var options = new PostgreSqlCordaMutualExclusionOptions { ConnectionString = _connectionString, TableName = table };
        configure?.Invoke(options);
        return new PostgreSqlCordaMutualExclusionReader(options);
    }

    private async Task<PostgreSqlLeaseStore> LeaseStoreAsync(string table)
    {
        var store = new PostgreSqlLeaseStore(new PostgreSqlLeaseStoreOptions { ConnectionString = _connectionString, TableName = table + "_lease", UseNotifications = false });
        await store.EnsureSchemaAsync(Ct);
        return store;
    }

    /// <summary>Corda Enterprise's table, from the PostgreSQL DDL in docs/corda-mutual-exclusion.md.</summary>
    private async Task<string> CreateTableAsync()
    {
        var table = $"node_mutual_exclusion_{Interlocked.Increment(ref _tables)}_{Guid.NewGuid():N}"[..40];
        await CordaMutualExclusionTable.CreatePostgreSqlAsync(_connectionString, table);
        return table;
    }

    private async Task InsertAsync(string table, string machine, string pid, int ageSeconds, long version)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            $"INSERT INTO {table} VALUES ('X', @machine, @pid, LOCALTIMESTAMP - make_interval(secs => @age), @version)", connection);
        command.Parameters.AddWithValue("machine", machine);
        command.Parameters.AddWithValue("pid", pid);
        command.Parameters.AddWithValue("age", (double)ageSeconds);
        command.Parameters.AddWithValue("version", version);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private async Task<DateTime> StoredTimestampAsync(string table)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand($"SELECT mutual_exclusion_timestamp FROM {table}", connection);
        return (DateTime)(await command.ExecuteScalarAsync(Ct))!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }
}
