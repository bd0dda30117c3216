using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Corda.HighAvailability.Checkpoints.Rules;
using Corda.HighAvailability.Tool.Cli;
using static Corda.HighAvailability.Checkpoints.CheckpointFindingCodes;

namespace Corda.HighAvailability.Checkpoints.Tests.Tool;

/// <summary><c>corda-ha checkpoints verify</c> as an operator runs it: a real process against the real PostgreSQL, exit codes and output.</summary>
public sealed class CheckpointsVerifyCommandTests(PostgresServer server) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private string _database = string.Empty;

    public async ValueTask InitializeAsync() => _database = await server.GetClassDatabaseAsync(GetType());

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task A_clean_database_exits_0_with_zero_findings_and_the_detected_schema_in_json()
    {
        var tables = await NewCorda46Async();
        await tables.InsertCleanFlowAsync(Id(), CheckpointFlowStatus.Runnable, TestEncoding.Deflate);
        await tables.InsertCleanFlowAsync(Id(), CheckpointFlowStatus.Completed, TestEncoding.Snappy);
        await tables.InsertCleanFlowAsync(Id(), CheckpointFlowStatus.Failed);

        var run = await VerifyAsync(tables, "--format", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.Equal("corda-4.6+", root.GetProperty("schema").GetString());
        Assert.Equal(tables.Schema, root.GetProperty("databaseSchema").GetString());
        Assert.Equal(3, root.GetProperty("checked").GetInt64());
        Assert.Equal(0, root.GetProperty("findings").GetArrayLength());
        Assert.Equal(0, root.GetProperty("summary").GetProperty("errors").GetInt64());
        Assert.Equal(0, root.GetProperty("summary").GetProperty("warnings").GetInt64());
        Assert.False(root.GetProperty("truncated").GetBoolean());
        Assert.True(root.GetProperty("durationMs").GetInt64() >= 0);
        Assert.Empty(run.Stderr);
    }

    [Fact]
    public async Task Injected_defects_exit_1_with_their_codes_flow_ids_and_tables_in_json()
    {
        var tables = await NewCorda46Async();
        await tables.InsertCleanFlowAsync(Id(), CheckpointFlowStatus.Runnable, TestEncoding.Deflate);

        var missingBlob = Id();
        await tables.InsertCheckpointAsync(missingBlob, 0);
        await tables.InsertMetadataAsync(missingBlob, finished: false);

        var orphan = Id();
        await tables.InsertBlobAsync(orphan, TestBlobs.Kryo([1, 2]), TestBlobs.Kryo([3, 4]));

        var badMagic = Id();
        await tables.InsertCheckpointAsync(badMagic, 0);
        await tables.InsertBlobAsync(badMagic, [0x63, 0x6F, 0x72, 0x64, 0x62, 0, 0, 1, 1], TestBlobs.Kryo([3, 4]));
        await tables.InsertMetadataAsync(badMagic, finished: false);

        var run = await VerifyAsync(tables, "--format", "json");

        Assert.True(run.ExitCode == 1, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        var findings = root.GetProperty("findings").EnumerateArray()
            .Select(f => (Code: f.GetProperty("code").GetString(), FlowId: f.GetProperty("flowId").GetString(), Table: f.GetProperty("table").GetString(), Severity: f.GetProperty("severity").GetString()))
            .ToHashSet();
        Assert.Equal(
            new HashSet<(string?, string?, string?, string?)>
            {
                (RowMissingBlob, missingBlob, CheckpointTables.CheckpointBlobs, "error"),
                (RowOrphanBlob, orphan, CheckpointTables.CheckpointBlobs, "warning"),
                (BlobBadMagic, badMagic, CheckpointTables.CheckpointBlobs, "error"),
            },
            findings);
        Assert.Equal(2, root.GetProperty("summary").GetProperty("errors").GetInt64());
        Assert.Equal(1, root.GetProperty("summary").GetProperty("warnings").GetInt64());
        Assert.Equal(1, root.GetProperty("countsByCode").GetProperty(RowOrphanBlob).GetInt64());
        Assert.Equal(4, root.GetProperty("checked").GetInt64());
        Assert.All(root.GetProperty("findings").EnumerateArray(), f => Assert.False(string.IsNullOrEmpty(f.GetProperty("message").GetString())));
    }

    [Fact]
    public async Task A_warning_passes_by_default_and_fails_with_fail_on_warning_and_the_text_summary_says_so()
    {
        var tables = await NewCorda46Async();
        await tables.InsertCleanFlowAsync(Id(), CheckpointFlowStatus.Completed, TestEncoding.Deflate);
        var orphan = Id();
        await tables.InsertBlobAsync(orphan, TestBlobs.Kryo([1, 2]), TestBlobs.Kryo([3, 4]));

        var byDefault = await VerifyAsync(tables);
        var strict = await VerifyAsync(tables, "--fail-on", "warning");

        Assert.True(byDefault.ExitCode == 0, byDefault.ToString());
        Assert.Contains("Schema detected: Corda 4.6 or later", byDefault.Stdout, StringComparison.Ordinal);
        Assert.Contains("Flows checked:   2", byDefault.Stdout, StringComparison.Ordinal);
        Assert.Contains("Duration:", byDefault.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"row-orphan-blob\s+1", byDefault.Stdout);
        Assert.Contains($"{orphan}  {CheckpointTables.CheckpointBlobs}  {RowOrphanBlob} (warning)", byDefault.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("OK: 0 errors, 1 warning (below --fail-on error).", byDefault.Stdout.TrimEnd(), StringComparison.Ordinal);

        Assert.True(strict.ExitCode == 1, strict.ToString());
        Assert.StartsWith("FAILED: 0 errors, 1 warning (--fail-on warning)", strict.Stdout.TrimEnd().Split('\n')[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Max_findings_caps_the_list_but_not_the_counts()
    {
        var tables = await NewCorda46Async();
        for (var i = 0; i < 3; i++)
        {
            await tables.InsertBlobAsync(Id(), TestBlobs.Kryo([1, 2]), TestBlobs.Kryo([3, 4]));
        }

        var run = await VerifyAsync(tables, "--format", "json", "--max-findings", "1", "--parallelism", "1");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.True(root.GetProperty("truncated").GetBoolean());
        Assert.Equal(1, root.GetProperty("findings").GetArrayLength());
        Assert.Equal(3, root.GetProperty("summary").GetProperty("warnings").GetInt64());
        Assert.Equal(3, root.GetProperty("countsByCode").GetProperty(RowOrphanBlob).GetInt64());
    }

    [Fact]
    public async Task A_refused_connection_exits_2_with_one_line_and_no_password_or_stack_trace()
    {
        const string password = "S3cret-Pw-4711";
        var connection = $"Host=127.0.0.1;Port={ClosedPort()};Username=corda;Password={password};Timeout=5";

        var run = await CordaHaTool.RunAsync(Timeout, "checkpoints", "verify", "--provider", "postgres", "--connection", connection);

        Assert.True(run.ExitCode == 2, run.ToString());
        AssertOneLineError(run);
        Assert.DoesNotContain(password, run.Stderr + run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_without_Corda_tables_exits_2_naming_the_missing_table()
    {
        var run = await CordaHaTool.RunAsync(Timeout, "checkpoints", "verify", "-p", "postgres", "-c", _database, "--schema", "s_" + Guid.NewGuid().ToString("N")[..12]);

        Assert.True(run.ExitCode == 2, run.ToString());
        AssertOneLineError(run);
        Assert.Contains("no Corda checkpoint table", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("checkpoints", "verify", "--provider", "postgres")]
    [InlineData("checkpoints", "verify", "--provider", "postgres", "--connection", "Host=x", "--format", "xml")]
    [InlineData("checkpoints", "verify", "--provider", "postgres", "--connection", "Host=x", "--fail-on", "fatal")]
    [InlineData("checkpoints", "verify", "--provider", "postgres", "--connection", "Host=x", "--schema", "public;drop")]
    [InlineData("checkpoints", "verify", "--provider", "sqlite", "--connection", "Data Source=x.db")]
    public async Task Bad_usage_exits_2_with_one_line(params string[] arguments)
    {
        var run = await CordaHaTool.RunAsync(Timeout, arguments);

        Assert.True(run.ExitCode == 2, run.ToString());
        AssertOneLineError(run);
    }

    [Fact]
    public async Task SQLite_is_a_usage_error_naming_it_and_the_providers_that_work()
    {
        var run = await CordaHaTool.RunAsync(Timeout, "checkpoints", "verify", "--provider", "sqlite", "--connection", "Data Source=x.db");

        Assert.True(run.ExitCode == ExitCodes.UsageOrConnection, run.ToString());
        AssertOneLineError(run);
        Assert.Contains("--provider sqlite: checkpoint verification on SQLite is not available", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("postgres|sqlserver", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_provider_is_a_usage_error_listing_the_known_ones()
    {
        var run = await CordaHaTool.RunAsync(Timeout, "checkpoints", "verify", "--provider", "oracle", "--connection", "Data Source=x");

        Assert.True(run.ExitCode == ExitCodes.UsageOrConnection, run.ToString());
        AssertOneLineError(run);
        Assert.Contains("Unknown provider 'oracle'", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("known providers: sqlite, postgres (or postgresql, pg), sqlserver (or mssql)", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("this command takes postgres|sqlserver", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_sql_server_exits_2_with_one_line_and_no_password()
    {
        // No SQL Server can run on the build machines: this proves the wiring up to the connection attempt.
        var run = await CordaHaTool.RunAsync(Timeout, "checkpoints", "verify", "--provider", "sqlserver", "--connection", "Server=tcp:127.0.0.1,1;User Id=sa;Password=hunter2;Connect Timeout=3;Encrypt=false");

        Assert.True(run.ExitCode == 2, run.ToString());
        AssertOneLineError(run);
        Assert.DoesNotContain("hunter2", run.Stderr, StringComparison.Ordinal);
    }

    private static void AssertOneLineError(ToolRun run)
    {
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, run.ToString());
        Assert.StartsWith("corda-ha: ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }

    private static int ClosedPort()
    {
        // Bind then release: nothing listens there for the moment the test needs.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string Id() => Guid.NewGuid().ToString();

    private static Task<ToolRun> VerifyAsync(CordaTables tables, params string[] extra) => CordaHaTool.RunAsync(
        Timeout,
        ["checkpoints", "verify", "--provider", "postgres", "--connection", tables.ConnectionString, "--schema", tables.Schema, .. extra]);

    private async Task<CordaTables> NewCorda46Async()
    {
        var tables = new CordaTables(_database, "s_" + Guid.NewGuid().ToString("N")[..16]);
        await tables.CreateCorda46Async();
        return tables;
    }
}
