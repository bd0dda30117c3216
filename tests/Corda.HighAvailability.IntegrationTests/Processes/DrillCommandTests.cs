using System.Text.Json;

namespace Corda.HighAvailability.IntegrationTests.Processes;

/// <summary><c>corda-ha drill</c> end to end, on its own temporary SQLite database.</summary>
[Collection(ProcessesCollection.Name)]
public sealed class DrillCommandTests
{
    [Fact]
    public async Task The_drill_runs_end_to_end_and_sees_no_overlap()
    {
        var run = await CordaHaTool.RunAsync(TimeSpan.FromSeconds(120), "drill", "--format", "json", "--kills", "2");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.Equal("sqlite", root.GetProperty("provider").GetString());
        Assert.Equal(2000, root.GetProperty("leaseDurationMs").GetInt64());
        Assert.Equal(0, root.GetProperty("overlaps").GetInt32());
        Assert.Equal(0, root.GetProperty("staleWritesAccepted").GetInt32());
        // The graceful round, the pause round and the final stop each prove fencing with a stale write.
        Assert.True(root.GetProperty("staleWritesRejected").GetInt32() >= 3, run.Stdout);
        Assert.True(root.GetProperty("writes").GetInt32() > 0, run.Stdout);

        // The pause round leaves a write in flight across the takeover (inserted before the pause, checked after):
        // it must not commit, and the log read in commit order shows no epoch going back.
        Assert.Equal(1, root.GetProperty("inFlightWritesRejected").GetInt32());
        Assert.Equal(0, root.GetProperty("inFlightWritesAccepted").GetInt32());
        var kinds = root.GetProperty("failovers").EnumerateArray().Select(f => f.GetProperty("kind").GetString()!).ToArray();
        Assert.Equal(new[] { "crash", "graceful", "pause" }, kinds);
        Assert.All(root.GetProperty("failovers").EnumerateArray(), f => Assert.True(f.GetProperty("ms").GetDouble() > 0));
    }
}
