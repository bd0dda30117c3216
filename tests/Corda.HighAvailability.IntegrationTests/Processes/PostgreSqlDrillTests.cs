using System.Text.Json;
using Corda.HighAvailability.IntegrationTests.Infrastructure;

namespace Corda.HighAvailability.IntegrationTests.Processes;

/// <summary><c>corda-ha drill --provider postgres</c> end to end against the real PostgreSQL of the test run.</summary>
[Collection(ProcessesCollection.Name)]
public sealed class PostgreSqlDrillTests(PostgresServer server)
{
    [Fact]
    public async Task The_drill_runs_against_postgresql_and_sees_no_overlap()
    {
        var connectionString = await server.CreateDatabaseAsync("drill");

        var run = await CordaHaTool.RunAsync(TimeSpan.FromSeconds(120), "drill", "--provider", "postgres", "--connection", connectionString, "--format", "json", "--kills", "2", "--candidates", "2");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.Equal("postgres", root.GetProperty("provider").GetString());
        Assert.Equal(0, root.GetProperty("overlaps").GetInt32());
        Assert.Equal(0, root.GetProperty("staleWritesAccepted").GetInt32());
        Assert.True(root.GetProperty("staleWritesRejected").GetInt32() >= 3, run.Stdout);

        // The pause round leaves a write in flight across the takeover (inserted before the pause, checked after):
        // it must not commit, and the log read in commit order shows no epoch going back.
        Assert.Equal(1, root.GetProperty("inFlightWritesRejected").GetInt32());
        Assert.Equal(0, root.GetProperty("inFlightWritesAccepted").GetInt32());
        var graceful = root.GetProperty("failovers").EnumerateArray().Single(f => f.GetProperty("kind").GetString() == "graceful");
        Assert.True(graceful.GetProperty("ms").GetDouble() < 1000, run.Stdout);
        Assert.DoesNotContain("Password", run.Stdout + run.Stderr, StringComparison.OrdinalIgnoreCase);
    }
}
