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
        // The graceful round, the pause round and the final stop each prove fencing with a stale write. One exception,
        // on SQLite: the candidate that takes over from the paused leader can lose its first, short term while the
        // resumed process still holds the database's write lock (the SQLite limitation the README states). When it is
        // not leading at the end of the drill, nobody supersedes its grant, so its final stale write has nothing to be
        // refused by: it ends as an error (it waited in vain), which the drill reports and which proves nothing.
        var rejected = root.GetProperty("staleWritesRejected").GetInt32();
        var errors = root.GetProperty("staleWriteErrors").GetInt32();
        Assert.True(rejected >= 3 || (rejected == 2 && errors == 1 && FinalLeaderLostBeforeTheEnd(root)), run.Stdout);
        Assert.True(root.GetProperty("writes").GetInt32() > 0, run.Stdout);

        // The pause round leaves a write in flight across the takeover (inserted before the pause, checked after):
        // it must not commit, and the log read in commit order shows no epoch going back.
        Assert.Equal(1, root.GetProperty("inFlightWritesRejected").GetInt32());
        Assert.Equal(0, root.GetProperty("inFlightWritesAccepted").GetInt32());
        var kinds = root.GetProperty("failovers").EnumerateArray().Select(f => f.GetProperty("kind").GetString()!).ToArray();
        Assert.Equal(new[] { "crash", "graceful", "pause" }, kinds);
        Assert.All(root.GetProperty("failovers").EnumerateArray(), f => Assert.True(f.GetProperty("ms").GetDouble() > 0));
    }

    /// <summary>Whether the candidate stopped at the end of the drill had lost its lease (not released it) before.</summary>
    private static bool FinalLeaderLostBeforeTheEnd(JsonElement root)
    {
        var timeline = root.GetProperty("timeline").EnumerateArray()
            .Select(e => (Candidate: e.TryGetProperty("candidate", out var c) ? c.GetString() : null, What: e.GetProperty("what").GetString() ?? string.Empty))
            .ToList();
        var end = timeline.FindIndex(e => e.What.Contains("end of drill", StringComparison.Ordinal));
        if (end < 0)
        {
            return false;
        }

        var candidate = timeline[end].Candidate;
        var last = timeline.Take(end).LastOrDefault(e => e.Candidate == candidate
            && (e.What.StartsWith("leading at", StringComparison.Ordinal) || e.What.StartsWith("stopped leading", StringComparison.Ordinal)));
        return last.What is not null && last.What.StartsWith("stopped leading", StringComparison.Ordinal) && last.What.EndsWith("(lost)", StringComparison.Ordinal);
    }
}
