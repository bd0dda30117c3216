using System.Text.Json;
using Corda.HighAvailability.LeaseElection.Storage;
using Corda.HighAvailability.LeaseElection.Sqlite;

namespace Corda.HighAvailability.IntegrationTests.Processes;

/// <summary><c>corda-ha lease status|release|schema</c> against a real SQLite file, and the tool's usage errors.</summary>
[Collection(ProcessesCollection.Name)]
public sealed class LeaseCommandTests
{
    private const string Lease = "node-a";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Status_and_release_work_on_a_live_lease_and_force_bumps_the_epoch()
    {
        using var database = new TempDatabase();
        await TakeLeaseAsync(database, TimeSpan.FromMinutes(5));
        var target = new[] { "--provider", "sqlite", "--connection", database.ConnectionString, "--lease", Lease, "--format", "json" };

        var status = await CordaHaTool.RunAsync(Timeout, ["lease", "status", .. target]);
        Assert.True(status.ExitCode == 0, status.ToString());
        using (var json = JsonDocument.Parse(status.Stdout))
        {
            var root = json.RootElement;
            Assert.True(root.GetProperty("held").GetBoolean());
            Assert.Equal("holder-1", root.GetProperty("holder").GetProperty("id").GetString());
            Assert.Equal(4242, root.GetProperty("holder").GetProperty("pid").GetInt32());
            Assert.Equal(1, root.GetProperty("epoch").GetInt64());
            Assert.True(root.GetProperty("toExpiryMs").GetInt64() > 60_000);
        }

        var refused = await CordaHaTool.RunAsync(Timeout, ["lease", "release", .. target]);
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("--force", refused.Stderr, StringComparison.Ordinal);

        var forced = await CordaHaTool.RunAsync(Timeout, ["lease", "release", "--force", .. target]);
        Assert.True(forced.ExitCode == 0, forced.ToString());
        using (var json = JsonDocument.Parse(forced.Stdout))
        {
            Assert.True(json.RootElement.GetProperty("released").GetBoolean());
            Assert.Equal(1, json.RootElement.GetProperty("previousEpoch").GetInt64());
            Assert.Equal(2, json.RootElement.GetProperty("epoch").GetInt64());
        }

        var after = await CordaHaTool.RunAsync(Timeout, ["lease", "status", .. target]);
        using (var json = JsonDocument.Parse(after.Stdout))
        {
            Assert.False(json.RootElement.GetProperty("held").GetBoolean());
            Assert.Equal("released", json.RootElement.GetProperty("state").GetString());
            Assert.Equal(2, json.RootElement.GetProperty("epoch").GetInt64());
        }

        // The old holder is fenced: its token no longer renews.
        var store = Store(database);
        var renewed = await store.TryRenewAsync(new LeaseToken(Lease, "holder-1", 1), TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        Assert.False(renewed.Succeeded);

        var again = await CordaHaTool.RunAsync(Timeout, ["lease", "release", .. target]);
        Assert.True(again.ExitCode == 0, again.ToString());
    }

    [Fact]
    public async Task Release_without_force_frees_an_expired_lease_and_status_reports_a_missing_one()
    {
        using var database = new TempDatabase();
        await TakeLeaseAsync(database, TimeSpan.FromMilliseconds(1));
        await Task.Delay(50, TestContext.Current.CancellationToken);
        var connection = new[] { "--provider", "sqlite", "--connection", database.ConnectionString, "--format", "json" };

        var released = await CordaHaTool.RunAsync(Timeout, ["lease", "release", "--lease", Lease, .. connection]);
        Assert.True(released.ExitCode == 0, released.ToString());
        using (var json = JsonDocument.Parse(released.Stdout))
        {
            Assert.True(json.RootElement.GetProperty("released").GetBoolean());
            Assert.Equal("expired", json.RootElement.GetProperty("previousState").GetString());
        }

        var missing = await CordaHaTool.RunAsync(Timeout, ["lease", "status", "--lease", "no-such-lease", .. connection]);
        Assert.True(missing.ExitCode == 1, missing.ToString());
        using (var json = JsonDocument.Parse(missing.Stdout))
        {
            Assert.False(json.RootElement.GetProperty("exists").GetBoolean());
        }
    }

    [Fact]
    public async Task Schema_prints_the_DDL_without_a_connection()
    {
        var run = await CordaHaTool.RunAsync(Timeout, "lease", "schema", "--provider", "sqlite", "--table", "my_leases");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("CREATE TABLE IF NOT EXISTS my_leases", run.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lease", "status", "--connection", "Data Source=x.db")]
    [InlineData("lease", "status", "--provider", "mysql", "--connection", "Data Source=x.db")]
    [InlineData("lease", "release", "--provider", "sqlite")]
    [InlineData("drill", "--lease-duration", "soon")]
    [InlineData("drill", "--candidates", "1")]
    [InlineData("lease")]
    public async Task Usage_errors_exit_2_with_one_line_on_stderr(params string[] arguments)
    {
        var run = await CordaHaTool.RunAsync(Timeout, arguments);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public async Task Connection_errors_exit_2_without_a_stack_trace_or_the_password()
    {
        using var database = new TempDatabase();
        var missing = Path.Combine(database.Directory.FullName, "no", "such", "dir.db");

        var run = await CordaHaTool.RunAsync(Timeout, "lease", "status", "--provider", "sqlite", "--connection", $"Data Source={missing};Password=hunter2");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", run.Stderr + run.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(missing));
    }

    private static SqliteLeaseStore Store(TempDatabase database) => new(new SqliteLeaseStoreOptions { ConnectionString = database.ConnectionString });

    private static async Task TakeLeaseAsync(TempDatabase database, TimeSpan duration)
    {
        var store = Store(database);
        await store.EnsureSchemaAsync(TestContext.Current.CancellationToken);
        var result = await store.TryAcquireAsync(Lease, new LeaseHolder("holder-1", "test-machine", 4242, "1.2.3"), duration, null, TestContext.Current.CancellationToken);
        Assert.True(result.Succeeded);
    }
}
