using Corda.HighAvailability.LeaseElection;
using Corda.HighAvailability.LeaseElection.Policies;
using Corda.HighAvailability.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Corda.HighAvailability.Tests.LeaseElection;

public sealed class LeaseElectorTests
{
    private const string Lease = "corda-node";
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    [Fact(Timeout = 60_000)]
    public async Task A_lone_candidate_leads_at_epoch_one_and_raises_started_leading()
    {
        var store = new InMemoryLeaseStore(_time);
        await using var host = new ElectionHarness(store, _time, "a");
        var started = 0;
        host.Elector.StartedLeading += (_, e) => Interlocked.Increment(ref started);
        host.Start();

        // The event is raised just after IsLeader turns true (the token is fresh first): wait for both.
        await _time.AdvanceUntilAsync(() => host.Elector.IsLeader && Volatile.Read(ref started) > 0, Limit);

        Assert.Equal(1, host.Elector.CurrentEpoch);
        Assert.Equal(1, started);
        Assert.False(host.Elector.LeadershipToken.IsCancellationRequested);
        Assert.Equal("a", host.Elector.ObservedLease!.Holder!.Id);
        var token = await host.Elector.WaitForLeadershipAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, token.Epoch);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_leader_renews_every_retry_period_and_keeps_its_epoch()
    {
        var store = new InMemoryLeaseStore(_time);
        await using var host = new ElectionHarness(store, _time, "a");
        host.Start();
        await _time.AdvanceUntilAsync(() => host.Elector.IsLeader, Limit);

        await _time.AdvanceAsync(TimeSpan.FromSeconds(20));

        // Ten periods of fake time; a continuation delayed by a loaded machine can only make it fewer.
        Assert.InRange(store.RenewCalls, 7, 11);
        Assert.True(host.Elector.IsLeader);
        Assert.Equal(1, host.Elector.CurrentEpoch);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_leader_whose_renewals_fail_stops_at_the_renew_deadline_before_the_lease_lapses()
    {
        var store = new InMemoryLeaseStore(_time);
        await using var host = new ElectionHarness(store, _time, "a");
        var stops = new StopRecorder(_time, host.Elector);
        host.Start();
        await _time.AdvanceUntilAsync(() => host.Elector.IsLeader, Limit);
        var leadershipToken = host.Elector.LeadershipToken;
        await _time.AdvanceUntilAsync(() => store.RenewCalls >= 1, Limit);
        var expiry = (await store.ReadAsync(Lease, TestContext.Current.CancellationToken))!.ExpiresAt;

        store.FailRenewals = () => new TimeoutException("database unreachable");
        await _time.AdvanceUntilAsync(() => stops.First is not null, Limit);

        // Recorded when the event was raised, not when the test polled: the host may acquire again right after.
        var (at, kind) = stops.First!.Value;
        Assert.True(leadershipToken.IsCancellationRequested);
        Assert.True(at < expiry, $"stepped down at {at:O}, lease lapses at {expiry:O}");
        Assert.Equal(LeadershipTransitionKind.Lost, kind);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_leader_whose_renewal_hangs_still_stops_at_the_renew_deadline()
    {
        var store = new InMemoryLeaseStore(_time);
        await using var host = new ElectionHarness(store, _time, "a");
        var stops = new StopRecorder(_time, host.Elector);
        host.Start();
        await _time.AdvanceUntilAsync(() => host.Elector.IsLeader, Limit);
        var acquiredAt = (await store.ReadAsync(Lease, TestContext.Current.CancellationToken))!.AcquiredAt!.Value;

        store.HangRenewals = true;
        await _time.AdvanceUntilAsync(() => stops.First is not null, Limit);

        // The deadline runs from the start of the last successful renewal (here: the acquisition). The row records
        // when the acquire applied, which can be one clock step (100 ms) after it started on a busy machine.
        Assert.InRange(stops.First!.Value.At - acquiredAt, TimeSpan.FromSeconds(9.9), TimeSpan.FromSeconds(10.2));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_leader_that_finds_the_lease_taken_at_renewal_stops_at_once()
    {
        var store = new InMemoryLeaseStore(_time);
        await using var host = new ElectionHarness(store, _time, "a");
        host.Start();
        await _time.AdvanceUntilAsync(() => host.Elector.IsLeader, Limit);

        store.Steal(Lease, "operator-forced", TimeSpan.FromSeconds(15));
        var elapsed = await _time.AdvanceUntilAsync(() => !host.Elector.IsLeader, Limit);

        Assert.True(elapsed <= TimeSpan.FromSeconds(2.2), $"took {elapsed}");
        Assert.Equal("operator-forced", host.Elector.ObservedLease!.Holder!.Id);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_standby_takes_over_only_when_a_crashed_leaders_lease_lapses()
    {
        var store = new InMemoryLeaseStore(_time);
        var leader = new ElectionHarness(store, _time, "a", o => o.ReleaseOnStop = false);
        leader.Start();
        await _time.AdvanceUntilAsync(() => leader.Elector.IsLeader, Limit);
        await using var standby = new ElectionHarness(store, _time, "b");
        standby.Start();
        await _time.AdvanceAsync(TimeSpan.FromSeconds(5));
        Assert.False(standby.Elector.IsLeader);

        await leader.DisposeAsync(); // stops without releasing: a crash, as far as the lease row can tell
        var expiry = (await store.ReadAsync(Lease, TestContext.Current.CancellationToken))!.ExpiresAt;
        await _time.AdvanceUntilAsync(() => standby.Elector.IsLeader, Limit);

        Assert.True(_time.GetUtcNow() >= expiry);
        var acquiredAt = (await store.ReadAsync(Lease, TestContext.Current.CancellationToken))!.AcquiredAt!.Value;
        Assert.True(acquiredAt >= expiry, $"took over at {acquiredAt:O}, before the expiry {expiry:O}");
        Assert.True(acquiredAt - expiry <= TimeSpan.FromSeconds(1), $"took over {acquiredAt - expiry} after expiry (lease 15 s)");
        Assert.Equal(2, standby.Elector.CurrentEpoch);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_standby_reads_once_per_retry_period_and_never_tries_to_take_a_renewed_lease()
    {
        var store = new InMemoryLeaseStore(_time);
        await using var leader = new ElectionHarness(store, _time, "a");
        leader.Start();
        await _time.AdvanceUntilAsync(() => leader.Elector.IsLeader, Limit);
        await using var standby = new ElectionHarness(store, _time, "b");
        standby.Start();

        var readsBefore = store.ReadCalls;
        await _time.AdvanceAsync(TimeSpan.FromSeconds(60));

        // The standby watches the revision at the retry period (2 s): about 30 reads, not hundreds, and since the
        // leader's renewals move the revision on, it never sees the lease vacant and never tries to take it.
        Assert.InRange(store.ReadCalls - readsBefore, 20, 45);
        Assert.Equal(1, store.AcquireCalls);
        Assert.False(standby.Elector.IsLeader);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_graceful_stop_releases_and_the_standby_takes_over_without_waiting_for_expiry()
    {
        var store = new InMemoryLeaseStore(_time);
        var leader = new ElectionHarness(store, _time, "a");
        leader.Start();
        await _time.AdvanceUntilAsync(() => leader.Elector.IsLeader, Limit);
        await using var standby = new ElectionHarness(store, _time, "b");
        standby.Start();
        await _time.AdvanceAsync(TimeSpan.FromSeconds(1));

        await leader.DisposeAsync();
        var elapsed = await _time.AdvanceUntilAsync(() => standby.Elector.IsLeader, Limit, TimeSpan.FromMilliseconds(10));

        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"took {elapsed}");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_policy_that_refuses_to_stand_keeps_the_host_a_standby()
    {
        var store = new InMemoryLeaseStore(_time);
        await using var host = new ElectionHarness(store, _time, "a", null, new NeverStand());
        host.Start();

        await _time.AdvanceAsync(TimeSpan.FromSeconds(30));

        Assert.False(host.Elector.IsLeader);
        Assert.Equal(0, store.AcquireCalls);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_policy_that_throws_is_ignored_and_the_election_goes_on()
    {
        var store = new InMemoryLeaseStore(_time);
        await using var host = new ElectionHarness(store, _time, "a", null, new Throwing());
        host.Start();

        await _time.AdvanceUntilAsync(() => host.Elector.IsLeader, Limit);
        await _time.AdvanceAsync(TimeSpan.FromSeconds(10));

        Assert.True(host.Elector.IsLeader);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_step_down_policy_releases_the_lease_for_a_standby()
    {
        var store = new InMemoryLeaseStore(_time);
        var stepDown = new StepDownOnDemand();
        await using var leader = new ElectionHarness(store, _time, "a", null, stepDown, new FlapDampingFailoverPolicy(TimeSpan.FromSeconds(30), 3, TimeSpan.FromMinutes(10)));
        leader.Start();
        await _time.AdvanceUntilAsync(() => leader.Elector.IsLeader, Limit);
        await using var standby = new ElectionHarness(store, _time, "b");
        standby.Start();

        stepDown.Now = true;
        await _time.AdvanceUntilAsync(() => standby.Elector.IsLeader, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20));

        Assert.False(leader.Elector.IsLeader);
        Assert.NotEqual("a", (await store.ReadAsync(Lease, TestContext.Current.CancellationToken))!.Holder?.Id);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_lower_priority_standby_lets_the_preferred_one_take_over()
    {
        var store = new InMemoryLeaseStore(_time);
        var leader = new ElectionHarness(store, _time, "primary-old", o => o.ReleaseOnStop = false);
        leader.Start();
        await _time.AdvanceUntilAsync(() => leader.Elector.IsLeader, Limit);
        await using var fallback = new ElectionHarness(store, _time, "fallback", null, new PreferredLeaderFailoverPolicy(1, TimeSpan.FromSeconds(3)));
        await using var preferred = new ElectionHarness(store, _time, "preferred", null, new PreferredLeaderFailoverPolicy(0, TimeSpan.FromSeconds(3)));
        fallback.Start();
        preferred.Start();
        await _time.AdvanceAsync(TimeSpan.FromSeconds(1));

        await leader.DisposeAsync();
        await _time.AdvanceUntilAsync(() => preferred.Elector.IsLeader || fallback.Elector.IsLeader, Limit);
        await _time.AdvanceAsync(TimeSpan.FromSeconds(5));

        Assert.True(preferred.Elector.IsLeader);
        Assert.False(fallback.Elector.IsLeader);
    }

    /// <summary>Records the fake time of the first StoppedLeading event as it is raised.</summary>
    private sealed class StopRecorder
    {
        private readonly object _sync = new();
        private (DateTimeOffset At, LeadershipTransitionKind Kind)? _first;

        public StopRecorder(FakeTimeProvider time, ILeaseElector elector) =>
            elector.StoppedLeading += (_, e) =>
            {
                lock (_sync)
                {
                    _first ??= (time.GetUtcNow(), e.Kind);
                }
            };

        public (DateTimeOffset At, LeadershipTransitionKind Kind)? First
        {
            get
            {
                lock (_sync)
                {
                    return _first;
                }
            }
        }
    }

    private sealed class NeverStand : FailoverPolicy
    {
        public override ValueTask<bool> ShouldStandForElectionAsync(FailoverPolicyContext context, CancellationToken cancellationToken) => new(false);
    }

    private sealed class Throwing : FailoverPolicy
    {
        public override ValueTask<bool> ShouldStandForElectionAsync(FailoverPolicyContext context, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("policy bug");

        public override ValueTask<bool> ShouldStepDownAsync(FailoverPolicyContext context, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("policy bug");
    }

    private sealed class StepDownOnDemand : FailoverPolicy
    {
        public bool Now { get; set; }

        public override ValueTask<bool> ShouldStepDownAsync(FailoverPolicyContext context, CancellationToken cancellationToken) => new(Now);
    }
}
