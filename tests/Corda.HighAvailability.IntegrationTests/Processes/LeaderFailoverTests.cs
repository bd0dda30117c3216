namespace Corda.HighAvailability.IntegrationTests.Processes;

/// <summary>
/// Real candidate processes on a real SQLite file, taken down with real signals. Times are compared on the
/// monotonic clock the candidates stamp their events with.
/// </summary>
[Collection(ProcessesCollection.Name)]
public sealed class LeaderFailoverTests
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_SIGKILLed_leader_is_replaced_after_about_one_lease_duration()
    {
        var lease = TimeSpan.FromSeconds(2);
        var renewPeriod = lease / 7.5;
        using var database = new TempDatabase();
        using var leader = Candidate.Start(database, "candidate-a", lease);
        var leading = await leader.WaitForAsync("first-write", Startup);
        using var standby = Candidate.Start(database, "candidate-b", lease);
        await standby.WaitForAsync(e => e.Name == "observed" && e.Holder == "candidate-a", Startup, "sight of candidate-a's lease");
        await Task.Delay(TimeSpan.FromMilliseconds(600), TestContext.Current.CancellationToken); // a few renewals

        var killedAt = Monotonic.NowNs();
        leader.Kill();
        var takeover = await standby.WaitForAsync(e => e.Name == "leading" && e.Epoch > leading.Epoch, lease * 5, "takeover");

        var ms = Monotonic.Ms(killedAt, takeover.T);
        // The standby must wait for the grant to lapse: the last renewal was at most one renew period before the
        // kill (plus scheduling delay on a loaded machine, hence the slack), and the grant lasts a lease from it.
        var earliest = (lease - renewPeriod).TotalMilliseconds - 400;
        Assert.True(ms >= earliest, $"took over {ms:0} ms after the kill, before the lease could have lapsed (>= {earliest:0} ms expected)");
        Assert.True(ms <= (lease * 3).TotalMilliseconds, $"took over only {ms:0} ms after the kill (<= {(lease * 3).TotalMilliseconds:0} ms expected)");
        await standby.WaitForAsync(e => e.Name == "first-write" && e.Epoch == takeover.Epoch, lease, "first write of the new leader");
    }

    [Fact]
    public async Task A_SIGTERMed_leader_hands_over_in_under_a_second()
    {
        // With a 5 s lease, only the release on stop can explain a handover within 1 s.
        var lease = TimeSpan.FromSeconds(5);
        using var database = new TempDatabase();
        using var leader = Candidate.Start(database, "candidate-a", lease);
        var leading = await leader.WaitForAsync("first-write", Startup);
        using var standby = Candidate.Start(database, "candidate-b", lease);
        await standby.WaitForAsync(e => e.Name == "observed" && e.Holder == "candidate-a", Startup, "sight of candidate-a's lease");

        var stoppedAt = Monotonic.NowNs();
        leader.Signal(Signals.Terminate);
        var firstWrite = await standby.WaitForAsync(e => e.Name == "first-write" && e.Epoch > leading.Epoch, lease * 2, "takeover");

        var ms = Monotonic.Ms(stoppedAt, firstWrite.T);
        Assert.True(ms < 1000, $"handover took {ms:0} ms after SIGTERM (< 1000 ms expected)");
        Assert.Equal(0, await leader.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        var stopped = await leader.WaitForAsync("stopped", TimeSpan.FromSeconds(2));
        Assert.Equal("released", stopped.Kind);
        var stale = await leader.WaitForAsync("stale-write", TimeSpan.FromSeconds(2));
        Assert.True(stale.Rejected, $"the stopped leader's stale write was {stale.Outcome}");
    }

    [Fact]
    public async Task A_leader_paused_past_its_lease_cannot_write_after_it_resumes()
    {
        var lease = TimeSpan.FromSeconds(2);
        using var database = new TempDatabase();
        using var leader = Candidate.Start(database, "candidate-a", lease);
        var oldTerm = await leader.WaitForAsync("first-write", Startup);
        using var standby = Candidate.Start(database, "candidate-b", lease);
        await standby.WaitForAsync(e => e.Name == "observed" && e.Holder == "candidate-a", Startup, "sight of candidate-a's lease");

        leader.Signal(Signals.Stop);
        try
        {
            // Usually the standby takes over during the pause. If the stop landed inside one of the leader's fenced
            // transactions, the leader holds SQLite's write lock and no takeover can commit until it runs again (the
            // documented SQLite limitation: no server ends a stalled transaction); then it happens after the resume.
            // Either way the resumed leader's writes must be refused and the log must never go back in epoch.
            Func<CandidateEvent, bool> takeover = e => e.Name == "first-write" && e.Epoch > oldTerm.Epoch;
            var newTerm = await standby.TryWaitForAsync(takeover, lease * 3);
            if (newTerm is not null)
            {
                await Task.Delay(lease / 2, TestContext.Current.CancellationToken);
            }

            leader.Signal(Signals.Continue);
            newTerm ??= await standby.WaitForAsync(takeover, lease * 5, "takeover from the resumed leader");

            var stale = await leader.WaitForAsync(e => e.Name == "stale-write" && e.Epoch == oldTerm.Epoch, lease * 5, "stale write after the pause");
            Assert.True(stale.Rejected, $"the resumed leader's write under epoch {oldTerm.Epoch} was {stale.Outcome}: fencing failed");

            var writes = database.ReadDrillWrites("test-lease");
            var firstNew = writes.First(w => w.Epoch == newTerm.Epoch).Seq;
            Assert.DoesNotContain(writes, w => w.Epoch == oldTerm.Epoch && w.Seq > firstNew);
            Assert.All(writes.Zip(writes.Skip(1)), pair => Assert.True(pair.Second.Epoch >= pair.First.Epoch, $"write #{pair.Second.Seq} at epoch {pair.Second.Epoch} after epoch {pair.First.Epoch}"));
        }
        finally
        {
            // Never leave a stopped process behind, whatever failed (Dispose kills it; SIGKILL works on it stopped too).
            try
            {
                leader.Signal(Signals.Continue);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }
    }
}
