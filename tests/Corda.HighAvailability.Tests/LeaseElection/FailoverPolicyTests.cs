using Corda.HighAvailability.LeaseElection;
using Corda.HighAvailability.LeaseElection.Policies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Corda.HighAvailability.Tests.LeaseElection;

public sealed class FailoverPolicyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void The_preferred_leader_waits_nothing_and_fallbacks_wait_per_priority_step()
    {
        var context = Context(isLeader: false);

        Assert.Equal(TimeSpan.Zero, new PreferredLeaderFailoverPolicy(0, TimeSpan.FromSeconds(2)).GetTakeoverDelay(context));
        Assert.Equal(TimeSpan.FromSeconds(6), new PreferredLeaderFailoverPolicy(3, TimeSpan.FromSeconds(2)).GetTakeoverDelay(context));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PreferredLeaderFailoverPolicy(-1, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Flap_damping_holds_off_after_a_loss_then_stands_again()
    {
        var policy = new FlapDampingFailoverPolicy(TimeSpan.FromSeconds(30), 3, TimeSpan.FromMinutes(10));
        var transitions = new[] { At(LeadershipTransitionKind.Acquired), At(LeadershipTransitionKind.Lost) };

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(await policy.ShouldStandForElectionAsync(Context(false, transitions), Ct));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(await policy.ShouldStandForElectionAsync(Context(false, transitions), Ct));
    }

    [Fact]
    public async Task Flap_damping_caps_acquisitions_per_window_and_lets_the_window_clear()
    {
        var policy = new FlapDampingFailoverPolicy(TimeSpan.Zero, 3, TimeSpan.FromMinutes(10));
        var transitions = Enumerable.Range(0, 3)
            .SelectMany(_ => new[] { At(LeadershipTransitionKind.Acquired), At(LeadershipTransitionKind.Released) })
            .ToArray();

        Assert.False(await policy.ShouldStandForElectionAsync(Context(false, transitions), Ct));
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.True(await policy.ShouldStandForElectionAsync(Context(false, transitions), Ct));
    }

    [Fact]
    public async Task A_failing_host_does_not_stand_and_a_failing_leader_steps_down_only_after_the_grace_period()
    {
        var status = HealthStatus.Unhealthy;
        var health = new Mock<HealthCheckService>();
        health.Setup(h => h.CheckHealthAsync(It.IsAny<Func<HealthCheckRegistration, bool>?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => Report(status));
        var services = new ServiceCollection().AddSingleton(health.Object).BuildServiceProvider();
        var policy = new HealthCheckFailoverPolicy(new HealthCheckFailoverPolicyOptions
        {
            StepDownAfter = TimeSpan.FromSeconds(30),
            CheckInterval = TimeSpan.FromSeconds(5),
        });

        Assert.False(await policy.ShouldStandForElectionAsync(Context(false, services: services), Ct));
        Assert.False(await policy.ShouldStepDownAsync(Context(true, services: services), Ct));
        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.True(await policy.ShouldStepDownAsync(Context(true, services: services), Ct));

        status = HealthStatus.Healthy;
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(await policy.ShouldStepDownAsync(Context(true, services: services), Ct));
        Assert.True(await policy.ShouldStandForElectionAsync(Context(false, services: services), Ct));
    }

    [Fact]
    public async Task Health_is_checked_at_most_once_per_interval_and_only_for_the_selected_checks()
    {
        Func<HealthCheckRegistration, bool>? usedPredicate = null;
        var health = new Mock<HealthCheckService>();
        health.Setup(h => h.CheckHealthAsync(It.IsAny<Func<HealthCheckRegistration, bool>?>(), It.IsAny<CancellationToken>()))
            .Callback<Func<HealthCheckRegistration, bool>?, CancellationToken>((p, _) => usedPredicate = p)
            .ReturnsAsync(Report(HealthStatus.Healthy));
        var services = new ServiceCollection().AddSingleton(health.Object).BuildServiceProvider();
        var policy = new HealthCheckFailoverPolicy(new HealthCheckFailoverPolicyOptions { CheckInterval = TimeSpan.FromSeconds(5) });

        for (var i = 0; i < 10; i++)
        {
            await policy.ShouldStandForElectionAsync(Context(false, services: services), Ct);
        }

        health.Verify(h => h.CheckHealthAsync(It.IsAny<Func<HealthCheckRegistration, bool>?>(), It.IsAny<CancellationToken>()), Times.Once);
        var tagged = new HealthCheckRegistration("db", Mock.Of<IHealthCheck>(), null, [HealthCheckFailoverPolicyOptions.DefaultTag]);
        var leaderCheck = new HealthCheckRegistration("corda-lease-leader", Mock.Of<IHealthCheck>(), null, ["ready"]);
        Assert.True(usedPredicate!(tagged));
        Assert.False(usedPredicate!(leaderCheck));
    }

    [Fact]
    public async Task Flap_damping_gives_in_once_the_lease_has_been_vacant_for_the_hold_off_so_a_lone_host_still_leads()
    {
        // Every host damped at once (a shared database glitch): nobody else is going to take over.
        var policy = new FlapDampingFailoverPolicy(TimeSpan.FromSeconds(30), 3, TimeSpan.FromMinutes(10));
        var transitions = Enumerable.Range(0, 3)
            .SelectMany(_ => new[] { At(LeadershipTransitionKind.Acquired), At(LeadershipTransitionKind.Lost) })
            .ToArray();
        _time.Advance(TimeSpan.FromSeconds(31));

        Assert.False(await policy.ShouldStandForElectionAsync(Context(false, transitions, vacantFor: TimeSpan.FromSeconds(29)), Ct));
        Assert.False(await policy.ShouldStandForElectionAsync(Context(false, transitions, vacantFor: null), Ct));

        // Bounded: vacant for the hold-off (30 s, longer than the 15 s lease), instead of the 10 min window.
        Assert.True(await policy.ShouldStandForElectionAsync(Context(false, transitions, vacantFor: TimeSpan.FromSeconds(30)), Ct));
    }

    private LeadershipTransition At(LeadershipTransitionKind kind) => new(kind, 1, _time.GetTimestamp());

    private FailoverPolicyContext Context(bool isLeader, IReadOnlyList<LeadershipTransition>? transitions = null, IServiceProvider? services = null, TimeSpan? vacantFor = null) =>
        new(new LeaseElectionOptions(), isLeader, null, isLeader ? TimeSpan.FromMinutes(1) : null, transitions ?? [], _time, services ?? new ServiceCollection().BuildServiceProvider(), vacantFor);

    private static HealthReport Report(HealthStatus status) => new(
        new Dictionary<string, HealthReportEntry> { ["db"] = new(status, null, TimeSpan.Zero, null, null) },
        TimeSpan.Zero);
}
