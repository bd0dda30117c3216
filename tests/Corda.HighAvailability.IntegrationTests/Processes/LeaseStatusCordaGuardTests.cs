using System.Text.Json;
using Corda.HighAvailability.LeaseElection.PostgreSql;
using Corda.HighAvailability.LeaseElection.Storage;
using Corda.HighAvailability.Tool.Cli;

namespace Corda.HighAvailability.IntegrationTests.Processes;

/// <summary>
/// <c>corda-ha lease status</c> with Corda Enterprise's <c>node_mutual_exclusion</c> row next to the lease, running
/// the real tool against a real PostgreSQL. Each test has its own database, with the lease taken by a real store on
/// "hostA" and Corda's table created from the DDL in docs/corda-mutual-exclusion.md, its row written with the
/// database's clock as Corda writes it.
/// </summary>
[Collection(ProcessesCollection.Name)]
public sealed class LeaseStatusCordaGuardTests(PostgresServer server)
{
    private const string Lease = "corda-node";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_live_row_naming_the_lease_holders_machine_is_shown_and_agrees_without_a_warning()
    {
        var connection = await LeaseHeldOnHostAAsync();
        await CordaMutualExclusionTable.CreatePostgreSqlAsync(connection);
        await CordaMutualExclusionTable.WritePostgreSqlRowAsync(connection, "/opt/corda/node/HOSTA", "4242", ageSeconds: 3, version: 7);

        var text = await StatusAsync(connection, "text");
        var json = await StatusAsync(connection, "json");

        Assert.True(text.ExitCode == ExitCodes.Success, text.ToString());
        Assert.Contains("Corda row     live (public.node_mutual_exclusion)", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("Corda machine /opt/corda/node/HOSTA (host HOSTA)", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("Corda PID     4242", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("Guards        Agree:", text.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("WARNING", text.Stdout + text.Stderr, StringComparison.Ordinal);

        Assert.True(json.ExitCode == ExitCodes.Success, json.ToString());
        Assert.Empty(json.Stderr);
        using var document = JsonDocument.Parse(json.Stdout);
        var root = document.RootElement;
        Assert.True(root.GetProperty("held").GetBoolean());
        var corda = root.GetProperty("cordaMutualExclusion");
        Assert.True(corda.GetProperty("applicable").GetBoolean());
        Assert.Equal("live", corda.GetProperty("state").GetString());
        Assert.True(corda.GetProperty("live").GetBoolean());
        Assert.Equal("/opt/corda/node/HOSTA", corda.GetProperty("machineName").GetString());
        Assert.Equal("HOSTA", corda.GetProperty("hostName").GetString());
        Assert.Equal("4242", corda.GetProperty("pid").GetString());
        Assert.Equal(7, corda.GetProperty("version").GetInt64());
        Assert.Equal(40_000, corda.GetProperty("waitIntervalMs").GetInt64());
        Assert.InRange(corda.GetProperty("ageMs").GetInt64(), 2_000, 30_000);
        Assert.Equal("Agree", root.GetProperty("guards").GetProperty("verdict").GetString());
        Assert.True(root.GetProperty("guards").GetProperty("agree").GetBoolean());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("warning").ValueKind);
    }

    [Fact]
    public async Task A_live_row_naming_another_host_is_a_warning_that_fails_only_with_fail_on_disagreement()
    {
        var connection = await LeaseHeldOnHostAAsync();
        await CordaMutualExclusionTable.CreatePostgreSqlAsync(connection);
        await CordaMutualExclusionTable.WritePostgreSqlRowAsync(connection, "/opt/corda/node/hostB", "999", ageSeconds: 1, version: 3);

        var text = await StatusAsync(connection, "text");
        var json = await StatusAsync(connection, "json");
        var strict = await StatusAsync(connection, "json", "--fail-on-disagreement");

        Assert.True(text.ExitCode == ExitCodes.Success, text.ToString());
        var warning = Assert.Single(text.Stdout.Split('\n'), line => line.StartsWith("WARNING: ", StringComparison.Ordinal));
        Assert.Contains("'hostA'", warning, StringComparison.Ordinal);
        Assert.Contains("'/opt/corda/node/hostB'", warning, StringComparison.Ordinal);
        Assert.Contains("Guards        Disagree:", text.Stdout, StringComparison.Ordinal);

        Assert.True(json.ExitCode == ExitCodes.Success, json.ToString());
        using (var document = JsonDocument.Parse(json.Stdout))
        {
            var root = document.RootElement;
            Assert.Equal("Disagree", root.GetProperty("guards").GetProperty("verdict").GetString());
            Assert.False(root.GetProperty("guards").GetProperty("agree").GetBoolean());
            Assert.Equal("hostA", root.GetProperty("guards").GetProperty("leaseHolderMachine").GetString());
            Assert.Contains("hostB", root.GetProperty("warning").GetString(), StringComparison.Ordinal);
        }

        Assert.StartsWith("corda-ha: WARNING: ", json.Stderr, StringComparison.Ordinal);

        Assert.True(strict.ExitCode == ExitCodes.GuardsDisagree, strict.ToString());
        using (var document = JsonDocument.Parse(strict.Stdout))
        {
            Assert.True(document.RootElement.GetProperty("held").GetBoolean());
        }
    }

    [Fact]
    public async Task A_row_older_than_the_wait_interval_is_stale_and_says_nothing_until_the_wait_interval_covers_it()
    {
        var connection = await LeaseHeldOnHostAAsync();
        await CordaMutualExclusionTable.CreatePostgreSqlAsync(connection);
        await CordaMutualExclusionTable.WritePostgreSqlRowAsync(connection, "/opt/corda/node/hostB", "999", ageSeconds: 120, version: 3);

        var stale = await StatusAsync(connection, "json", "--fail-on-disagreement");
        var text = await StatusAsync(connection, "text");
        var longWait = await StatusAsync(connection, "json", "--corda-wait-interval", "5m");

        Assert.True(stale.ExitCode == ExitCodes.Success, stale.ToString());
        using (var document = JsonDocument.Parse(stale.Stdout))
        {
            var root = document.RootElement;
            var corda = root.GetProperty("cordaMutualExclusion");
            Assert.Equal("stale", corda.GetProperty("state").GetString());
            Assert.True(corda.GetProperty("present").GetBoolean());
            Assert.False(corda.GetProperty("live").GetBoolean());
            Assert.InRange(corda.GetProperty("ageMs").GetInt64(), 119_000, 200_000);
            Assert.Equal("CordaGuardInactive", root.GetProperty("guards").GetProperty("verdict").GetString());
            Assert.Equal(JsonValueKind.Null, root.GetProperty("warning").ValueKind);
        }

        Assert.Contains("Corda row     stale", text.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("WARNING", text.Stdout, StringComparison.Ordinal);

        // The node's own waitInterval decides: under a 5 minute wait the same row is live, and names another host.
        Assert.True(longWait.ExitCode == ExitCodes.Success, longWait.ToString());
        using (var document = JsonDocument.Parse(longWait.Stdout))
        {
            Assert.Equal("live", document.RootElement.GetProperty("cordaMutualExclusion").GetProperty("state").GetString());
            Assert.Equal(300_000, document.RootElement.GetProperty("cordaMutualExclusion").GetProperty("waitIntervalMs").GetInt64());
            Assert.Equal("Disagree", document.RootElement.GetProperty("guards").GetProperty("verdict").GetString());
        }
    }

    [Fact]
    public async Task An_absent_table_is_reported_as_absent_and_the_exit_codes_are_unchanged()
    {
        var connection = await LeaseHeldOnHostAAsync();

        var json = await StatusAsync(connection, "json", "--fail-on-disagreement");
        var text = await StatusAsync(connection, "text");
        var missingLease = await CordaHaTool.RunAsync(Timeout, "lease", "status", "--provider", "postgres", "--connection", connection, "--lease", "no-such-lease", "--format", "json");

        Assert.True(json.ExitCode == ExitCodes.Success, json.ToString());
        Assert.Empty(json.Stderr);
        using (var document = JsonDocument.Parse(json.Stdout))
        {
            var corda = document.RootElement.GetProperty("cordaMutualExclusion");
            Assert.Equal("absent", corda.GetProperty("state").GetString());
            Assert.False(corda.GetProperty("present").GetBoolean());
            Assert.Equal("public.node_mutual_exclusion", corda.GetProperty("table").GetString());
            Assert.Equal("CordaGuardInactive", document.RootElement.GetProperty("guards").GetProperty("verdict").GetString());
        }

        Assert.True(text.ExitCode == ExitCodes.Success, text.ToString());
        Assert.Contains("Corda row     absent: no table public.node_mutual_exclusion", text.Stdout, StringComparison.Ordinal);
        Assert.Empty(text.Stderr);

        Assert.True(missingLease.ExitCode == ExitCodes.NotFoundOrRefused, missingLease.ToString());
        using (var document = JsonDocument.Parse(missingLease.Stdout))
        {
            Assert.False(document.RootElement.GetProperty("exists").GetBoolean());
            Assert.Equal("absent", document.RootElement.GetProperty("cordaMutualExclusion").GetProperty("state").GetString());
        }
    }

    [Fact]
    public async Task A_live_row_without_a_lease_row_is_shown_as_a_vacant_lease_and_the_lease_still_counts_as_missing()
    {
        var connection = await server.CreateDatabaseAsync("cordaguard");
        await EmptyLeaseTableAsync(connection);
        await CordaMutualExclusionTable.CreatePostgreSqlAsync(connection);
        await CordaMutualExclusionTable.WritePostgreSqlRowAsync(connection, "hostB", "1", ageSeconds: 1, version: 0);

        var json = await StatusAsync(connection, "json");
        var text = await StatusAsync(connection, "text");

        Assert.True(json.ExitCode == ExitCodes.NotFoundOrRefused, json.ToString());
        using (var document = JsonDocument.Parse(json.Stdout))
        {
            Assert.False(document.RootElement.GetProperty("exists").GetBoolean());
            Assert.Equal("LeaseVacant", document.RootElement.GetProperty("guards").GetProperty("verdict").GetString());
        }

        Assert.True(text.ExitCode == ExitCodes.NotFoundOrRefused, text.ToString());
        Assert.Contains("Guards        LeaseVacant:", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("does not exist", text.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_schema_and_table_are_read_when_named_and_bad_names_are_usage_errors()
    {
        var connection = await LeaseHeldOnHostAAsync();
        await ExecuteAsync(connection, "CREATE SCHEMA corda");
        await CordaMutualExclusionTable.CreatePostgreSqlAsync(connection, "mutex", schema: "corda");
        await CordaMutualExclusionTable.WritePostgreSqlRowAsync(connection, "hostA", "1", ageSeconds: 1, version: 0, table: "corda.mutex");

        var named = await StatusAsync(connection, "json", "--corda-schema", "corda", "--corda-table", "mutex", "--corda-time-zone", "UTC");
        var badTable = await StatusAsync(connection, "json", "--corda-table", "x; drop table corda_ha_lease");
        var onSqlite = await CordaHaTool.RunAsync(Timeout, "lease", "status", "--provider", "sqlite", "--connection", "Data Source=x.db", "--corda-table", "mutex");

        Assert.True(named.ExitCode == ExitCodes.Success, named.ToString());
        using (var document = JsonDocument.Parse(named.Stdout))
        {
            Assert.Equal("corda.mutex", document.RootElement.GetProperty("cordaMutualExclusion").GetProperty("table").GetString());
            Assert.Equal("Agree", document.RootElement.GetProperty("guards").GetProperty("verdict").GetString());
        }

        Assert.True(badTable.ExitCode == ExitCodes.UsageOrConnection, badTable.ToString());
        Assert.Contains("TableName", badTable.Stderr, StringComparison.Ordinal);
        Assert.Empty(badTable.Stdout);
        Assert.True(onSqlite.ExitCode == ExitCodes.UsageOrConnection, onSqlite.ToString());
        Assert.Contains("need --provider postgres or sqlserver", onSqlite.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_corda_connection_is_a_warning_next_to_the_lease_without_the_password()
    {
        var connection = await LeaseHeldOnHostAAsync();

        var run = await StatusAsync(connection, "json", "--corda-connection", "Host=127.0.0.1;Port=1;Database=corda;Username=corda;Password=hunter2;Timeout=2");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        using (var document = JsonDocument.Parse(run.Stdout))
        {
            var root = document.RootElement;
            Assert.True(root.GetProperty("held").GetBoolean());
            Assert.Equal("unreadable", root.GetProperty("cordaMutualExclusion").GetProperty("state").GetString());
            Assert.Equal(JsonValueKind.Null, root.GetProperty("guards").ValueKind);
            Assert.Contains("could not read", root.GetProperty("warning").GetString(), StringComparison.Ordinal);
        }

        Assert.DoesNotContain("hunter2", run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_runtime_user_with_rights_on_the_lease_table_only_sees_the_lease_and_a_warning_until_granted_SELECT_on_Corda_s_table()
    {
        var connection = await LeaseHeldOnHostAAsync();
        await CordaMutualExclusionTable.CreatePostgreSqlAsync(connection);
        await CordaMutualExclusionTable.WritePostgreSqlRowAsync(connection, "hostA", "1", ageSeconds: 1, version: 0);
        var role = "corda_ha_rt_" + Guid.NewGuid().ToString("N")[..10];
        try
        {
            await ExecuteAsync(connection, $"CREATE ROLE {role} LOGIN PASSWORD 'rt-secret-1'");
        }
        catch (Npgsql.PostgresException ex) when (ex.SqlState == "42501")
        {
            Assert.Skip($"The PostgreSQL user of this run may not create roles ({ex.MessageText}); this test needs CREATEROLE.");
        }

        try
        {
            // Exactly what the lease's schema script asks a DBA to grant the runtime user.
            await ExecuteAsync(connection, $"GRANT USAGE ON SCHEMA public TO {role}; GRANT SELECT, INSERT, UPDATE ON public.corda_ha_lease TO {role}");
            var runtime = new Npgsql.NpgsqlConnectionStringBuilder(connection) { Username = role, Password = "rt-secret-1" }.ToString();

            var denied = await StatusAsync(runtime, "json");
            await ExecuteAsync(connection, $"GRANT SELECT ON public.node_mutual_exclusion TO {role}");
            var granted = await StatusAsync(runtime, "json");

            Assert.True(denied.ExitCode == ExitCodes.Success, denied.ToString());
            using (var document = JsonDocument.Parse(denied.Stdout))
            {
                Assert.True(document.RootElement.GetProperty("held").GetBoolean());
                Assert.Equal("unreadable", document.RootElement.GetProperty("cordaMutualExclusion").GetProperty("state").GetString());
                Assert.Contains("permission denied", document.RootElement.GetProperty("cordaMutualExclusion").GetProperty("error").GetString(), StringComparison.Ordinal);
            }

            Assert.True(granted.ExitCode == ExitCodes.Success, granted.ToString());
            using (var document = JsonDocument.Parse(granted.Stdout))
            {
                Assert.Equal("Agree", document.RootElement.GetProperty("guards").GetProperty("verdict").GetString());
            }

            Assert.DoesNotContain("rt-secret-1", denied.Stdout + denied.Stderr + granted.Stdout + granted.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(connection, $"DROP OWNED BY {role}; DROP ROLE {role}");
        }
    }

    [Fact]
    public async Task SQLite_reports_Corda_s_row_as_not_applicable()
    {
        using var database = new TempDatabase();
        var store = new LeaseElection.Sqlite.SqliteLeaseStore(new LeaseElection.Sqlite.SqliteLeaseStoreOptions { ConnectionString = database.ConnectionString });
        await store.EnsureSchemaAsync(Ct);
        await store.TryAcquireAsync(Lease, new LeaseHolder("a", "hostA"), TimeSpan.FromMinutes(5), null, Ct);

        var json = await CordaHaTool.RunAsync(Timeout, "lease", "status", "--provider", "sqlite", "--connection", database.ConnectionString, "--lease", Lease, "--format", "json");
        var text = await CordaHaTool.RunAsync(Timeout, "lease", "status", "--provider", "sqlite", "--connection", database.ConnectionString, "--lease", Lease);

        Assert.True(json.ExitCode == ExitCodes.Success, json.ToString());
        using (var document = JsonDocument.Parse(json.Stdout))
        {
            Assert.False(document.RootElement.GetProperty("cordaMutualExclusion").GetProperty("applicable").GetBoolean());
            Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("guards").ValueKind);
        }

        Assert.Contains("Corda row     not applicable", text.Stdout, StringComparison.Ordinal);
    }

    private static Task<ToolRun> StatusAsync(string connection, string format, params string[] more) =>
        CordaHaTool.RunAsync(Timeout, ["lease", "status", "--provider", "postgres", "--connection", connection, "--lease", Lease, "--format", format, .. more]);

    /// <summary>A fresh database whose lease is held by "hostA" for five minutes, taken by the real PostgreSQL store.</summary>
    private async Task<string> LeaseHeldOnHostAAsync()
    {
        var connection = await server.CreateDatabaseAsync("cordaguard");
        await using var store = await EmptyLeaseTableAsync(connection);
        var acquired = await store.TryAcquireAsync(Lease, new LeaseHolder("supervisor-a", machine: "hostA", processId: 11), TimeSpan.FromMinutes(5), null, Ct);
        Assert.True(acquired.Succeeded);
        return connection;
    }

    private static async Task<PostgreSqlLeaseStore> EmptyLeaseTableAsync(string connection)
    {
        var store = new PostgreSqlLeaseStore(new PostgreSqlLeaseStoreOptions { ConnectionString = connection, UseNotifications = false });
        await store.EnsureSchemaAsync(Ct);
        return store;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }
}
