using Corda.HighAvailability.IntegrationTests.Infrastructure;

namespace Corda.HighAvailability.IntegrationTests.Processes;

/// <summary>
/// "At most one host believes it leads", attacked with real faults on real processes: a stepped database clock, a
/// duplicated identity, SIGSTOP/SIGCONT. Each candidate samples its own <c>IsLeader</c> every millisecond
/// (<c>--sample-belief</c>) and reports the intervals it believed, on the machine-wide monotonic clock.
/// </summary>
[Collection(ProcessesCollection.Name)]
public sealed class LeaseFaultTests
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Forward_steps_of_the_database_clock_never_give_two_leaders()
    {
        // Issue #6's experiment, made denser: PostgreSQL under libfaketime, stepped +5 s every 0.5 s; lease 3 s,
        // renew deadline 2 s, renew every 0.4 s. Before the fix, a standby judged expiry on the database's clock:
        // after each step the grant looked lapsed until the leader's next renewal failed, and a standby that tried
        // in that window took over while the leader still believed.
        await using var database = await SteppedClockPostgres.StartAsync();
        var lease = TimeSpan.FromSeconds(3);
        using var a = Candidate.Start("postgres", database.ConnectionString, "candidate-a", lease, "stepped", sampleBelief: true);
        await a.WaitForAsync("first-write", Startup);
        using var b = Candidate.Start("postgres", database.ConnectionString, "candidate-b", lease, "stepped", sampleBelief: true);
        await b.WaitForAsync(e => e.Name == "observed" && e.Holder == "candidate-a", Startup, "sight of candidate-a's lease");

        await StepClockAsync(database, steps: 16);

        // A takeover while the clock keeps stepping: the standby must still wait for the leader's self-fence.
        a.Kill();
        await StepClockAsync(database, steps: 12);

        await b.WaitForAsync("first-write", TimeSpan.FromSeconds(10));
        Assert.Empty(Overlaps(a, b));
        Assert.DoesNotContain(a.Events(), e => e.Name == "belief" && e.Epoch > 1);
    }

    [Fact]
    public async Task Two_processes_given_the_same_identity_never_both_lead()
    {
        using var database = new TempDatabase();
        var lease = TimeSpan.FromSeconds(2);
        using var first = Candidate.Start(database, "twin", lease, "twins", sampleBelief: true);
        await first.WaitForAsync("first-write", Startup);
        using var second = Candidate.Start(database, "twin", lease, "twins", sampleBelief: true);
        await Task.Delay(lease * 3, Ct);

        // Before the fix the twin "re-acquired" its own identity's grant on every try: epochs 1 -> 32 in 8 s.
        Assert.DoesNotContain(second.Events(), e => e.Name == "leading");
        first.Kill();
        await second.WaitForAsync("first-write", lease * 5);

        Assert.Empty(Overlaps(first, second));
        Assert.Contains("Identities must be unique", second.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_process_resumed_after_a_pause_past_its_deadline_never_claims_leadership()
    {
        using var database = new TempDatabase();
        var lease = TimeSpan.FromSeconds(2);
        using var leader = Candidate.Start(database, "sleeper", lease, "pauses", sampleBelief: true);
        await leader.WaitForAsync("first-write", Startup);
        using var standby = Candidate.Start(database, "watcher", lease, "pauses", sampleBelief: true);
        await standby.WaitForAsync(e => e.Name == "observed" && e.Holder == "sleeper", Startup, "sight of the sleeper's lease");

        for (var round = 0; round < 3; round++)
        {
            var target = IsLeading(standby) ? standby : leader;
            target.Signal(Signals.Stop);
            await Task.Delay(lease * 1.5, Ct);
            target.Signal(Signals.Continue);
            await Task.Delay(lease, Ct);
        }

        // Before the fix IsLeader stayed true for 6-15 ms after SIGCONT, until the timer thread ran.
        var pauses = leader.Events().Concat(standby.Events()).Where(e => e.Name == "pause-seen").ToList();
        Assert.NotEmpty(pauses);
        Assert.All(pauses, e => Assert.True(e.Rejected, "IsLeader was true right after a pause past the renew deadline"));
        Assert.Empty(Overlaps(leader, standby));
    }

    /// <summary>Steps the database's clock 5 s forward every 0.5 s.</summary>
    private static async Task StepClockAsync(SteppedClockPostgres database, int steps)
    {
        for (var step = 0; step < steps; step++)
        {
            await database.StepForwardAsync(TimeSpan.FromSeconds(5));
            await Task.Delay(TimeSpan.FromMilliseconds(500), Ct);
        }
    }

    private static bool IsLeading(Candidate candidate)
    {
        var events = candidate.Events();
        var lastLeading = events.LastOrDefault(e => e.Name == "leading");
        return lastLeading is not null && !events.Any(e => e.Name == "stopped" && e.Epoch == lastLeading.Epoch);
    }

    /// <summary>Pairs of belief intervals of different processes that intersect.</summary>
    private static List<string> Overlaps(params Candidate[] candidates)
    {
        var beliefs = candidates
            .SelectMany(c => c.Events().Where(e => e.Name == "belief").Select(e => (c.Identity, c.Pid, e.Epoch, e.From, e.To)))
            .OrderBy(b => b.From)
            .ToList();
        var overlaps = new List<string>();
        for (var i = 0; i < beliefs.Count; i++)
        {
            for (var j = i + 1; j < beliefs.Count && beliefs[j].From <= beliefs[i].To; j++)
            {
                if (beliefs[i].Pid != beliefs[j].Pid)
                {
                    overlaps.Add($"{beliefs[i].Identity}@{beliefs[i].Epoch} and {beliefs[j].Identity}@{beliefs[j].Epoch} overlapped {Monotonic.Ms(beliefs[j].From, Math.Min(beliefs[i].To, beliefs[j].To)):0.0} ms");
                }
            }
        }

        return overlaps;
    }
}
