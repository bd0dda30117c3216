using System.Diagnostics.Metrics;
using Corda.HighAvailability.LeaseElection;
using Corda.HighAvailability.LeaseElection.Fencing;
using Corda.HighAvailability.LeaseElection.Policies;
using Corda.HighAvailability.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Corda.HighAvailability.Tests.LeaseElection;

/// <summary>
/// The faults that broke "at most one leader" (issue #6), replayed against the elector on a fake clock. Each has a
/// counterpart against real processes and a real PostgreSQL in the integration tests.
/// </summary>
public sealed class LeaseElectorFaultTests
{
    private const string Lease = "corda-node";
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task Forward_steps_of_the_database_clock_never_let_a_standby_take_a_renewed_lease()
    {
        var databaseClock = new FakeTimeProvider(_time.GetUtcNow());
        var store = new InMemoryLeaseStore(databaseClock);
        await using var leader = new ElectionHarness(store, _time, "a");
        leader.Start();
        await _time.AdvanceUntilAsync(() => leader.Elector.IsLeader, Limit);
        await using var standby = new ElectionHarness(store, _time, "b");
        standby.Start();

        // The database's clock jumps 10 s ahead every 1.5 s (an NTP step, a failover to a server whose clock
        // differs): by its own reckoning every grant is expired most of the time.
        for (var step = 0; step < 40; step++)
        {
            databaseClock.Advance(TimeSpan.FromSeconds(10));
            for (var i = 0; i < 15; i++)
            {
                _time.Advance(TimeSpan.FromMilliseconds(100));
                await FakeTime.Settle();
                Assert.False(leader.Elector.IsLeader && standby.Elector.IsLeader, $"two leaders after {step} steps");
            }
        }

        Assert.True(leader.Elector.IsLeader);
        Assert.Equal(1, leader.Elector.CurrentEpoch);
        Assert.False(standby.Elector.IsLeader);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_resumed_leader_stops_claiming_leadership_before_its_deadline_timer_has_run()
    {
        var clock = new ResumedClock(_time);
        var store = new KeyValueLeaseStore(new InMemoryLeaseStore(_time));
        await using var host = new ElectionHarness(store.Leases, clock, "a", null, election => election.UseStore(_ => store));
        host.Start();
        await _time.AdvanceUntilAsync(() => host.Elector.IsLeader, Limit);
        var fence = host.Services.GetRequiredService<ILeaseFence<KeyValueBatch>>();

        // SIGSTOP for 20 s, then SIGCONT: the monotonic clock has moved, no timer has fired yet.
        clock.Resume(TimeSpan.FromSeconds(20));

        Assert.False(host.Elector.IsLeader);
        Assert.Null(host.Elector.CurrentLease);
        Assert.Null(host.Elector.CurrentEpoch);
        Assert.True(host.Elector.LeadershipToken.IsCancellationRequested);
        var fenced = await Assert.ThrowsAsync<LeaseFencedException>(() => fence.ExecuteAsync<int>((_, _) => throw new InvalidOperationException("must not run"), Ct));
        Assert.Null(fenced.Token);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_acquire_slower_than_the_renew_deadline_is_given_back_and_the_candidate_keeps_standing()
    {
        var store = new InMemoryLeaseStore(_time) { AcquireLatency = TimeSpan.FromSeconds(11) };
        await using var host = new ElectionHarness(store, _time, "a");
        var started = 0;
        host.Elector.StartedLeading += (_, _) => Interlocked.Increment(ref started);
        host.Start();

        await _time.AdvanceAsync(TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(250));

        // Each grant came back after the 10 s renew deadline: never led on, released, and tried again.
        Assert.InRange(store.AcquireCalls, 3, 10);
        Assert.Equal(0, Volatile.Read(ref started));
        Assert.Null((await store.ReadAsync(Lease, Ct))!.Holder);

        store.AcquireLatency = TimeSpan.Zero;
        await _time.AdvanceUntilAsync(() => host.Elector.IsLeader, TimeSpan.FromSeconds(30));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_slow_leader_only_service_start_does_not_delay_renewals()
    {
        var store = new InMemoryLeaseStore(_time);
        await using var host = new ElectionHarness(store, (TimeProvider)_time, "a", null, b => b.RunWhileLeader<SlowStartService>());
        host.Start();
        await _time.AdvanceUntilAsync(() => host.Elector.IsLeader, Limit);

        // The service takes 25 s to start, longer than the 10 s renew deadline.
        await _time.AdvanceAsync(TimeSpan.FromSeconds(40), TimeSpan.FromMilliseconds(250));

        Assert.True(host.Elector.IsLeader);
        Assert.Equal(1, host.Elector.CurrentEpoch);
        Assert.InRange(store.RenewCalls, 15, 25);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_step_down_policy_that_blocks_its_thread_does_not_delay_renewals()
    {
        using var release = new ManualResetEventSlim();
        var store = new InMemoryLeaseStore(_time);
        await using var host = new ElectionHarness(store, (TimeProvider)_time, "a", null, null, new BlockingPolicy(release));
        host.Start();
        await _time.AdvanceUntilAsync(() => host.Elector.IsLeader, Limit);

        await _time.AdvanceAsync(TimeSpan.FromSeconds(40), TimeSpan.FromMilliseconds(250));

        Assert.True(host.Elector.IsLeader);
        Assert.Equal(1, host.Elector.CurrentEpoch);
        Assert.InRange(store.RenewCalls, 15, 25);
        release.Set();
    }

    [Fact(Timeout = 60_000)]
    public async Task A_renewal_the_database_applies_after_the_deadline_does_not_revive_the_term()
    {
        var store = new InMemoryLeaseStore(_time);
        await using var host = new ElectionHarness(store, _time, "a");
        host.Start();
        await _time.AdvanceUntilAsync(() => host.Elector.IsLeader, Limit);

        // The next renewal waits 12 s on a lock, then applies under the same epoch, 2 s after the 10 s deadline.
        store.RenewLatency = TimeSpan.FromSeconds(12);
        var deadlineSeen = false;
        for (var i = 0; i < 300; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            await FakeTime.Settle();
            deadlineSeen |= !host.Elector.IsLeader;
            Assert.False(deadlineSeen && host.Elector.CurrentEpoch == 1, $"led again under epoch 1 at step {i}");
        }

        Assert.True(deadlineSeen);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_duplicated_identity_never_leads_while_the_other_process_renews_and_is_reported()
    {
        var reports = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "corda_ha.lease.duplicate_identity")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref reports, (int)value));
        listener.Start();

        var store = new InMemoryLeaseStore(_time);
        store.GrantToOther(Lease, "a", "the-other-process", TimeSpan.FromSeconds(15));
        await using var host = new ElectionHarness(store, _time, "a");
        host.Start();

        for (var i = 0; i < 30; i++)
        {
            store.RenewAsOther(Lease);
            await _time.AdvanceAsync(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(250));
            Assert.False(host.Elector.IsLeader, $"took the other process's grant after {i * 2} s");
        }

        Assert.Equal(1, (await store.ReadAsync(Lease, Ct))!.Epoch);
        Assert.True(Volatile.Read(ref reports) >= 1, "the duplicated identity was not reported");
    }

    private sealed class SlowStartService(TimeProvider time) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.Delay(TimeSpan.FromSeconds(25), time, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class BlockingPolicy(ManualResetEventSlim release) : FailoverPolicy
    {
        public override ValueTask<bool> ShouldStepDownAsync(FailoverPolicyContext context, CancellationToken cancellationToken)
        {
            // Synchronous, thread-blocking user code: the worst a policy can do.
            release.Wait(TimeSpan.FromMinutes(1));
            return new(false);
        }
    }
}
