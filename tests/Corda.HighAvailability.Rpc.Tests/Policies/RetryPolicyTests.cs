using Corda.HighAvailability.Rpc.Retry;
using Corda.HighAvailability.Rpc.Transport;

namespace Corda.HighAvailability.Rpc.Tests.Policies;

public sealed class RetryPolicyTests
{
    private static readonly RpcEndpoint Endpoint = new("a", new Uri("tcp://a:1"));

    private static RpcRetryContext Context(int previous, TimeSpan? elapsed = null) =>
        new(previous, elapsed ?? TimeSpan.Zero, null, Endpoint, Endpoint, IsInitialConnection: false);

    [Fact]
    public void Default_is_grpc_backoff_first_attempt_at_once_then_1s_times_1_6_within_20_percent_capped_at_120s()
    {
        var policy = ExponentialBackoffRetryPolicy.Default;
        Assert.Equal((TimeSpan.FromSeconds(1), 1.6, 0.2, TimeSpan.FromSeconds(120)), (policy.InitialDelay, policy.Multiplier, policy.Jitter, policy.MaxDelay));
        Assert.Equal(TimeSpan.Zero, policy.NextDelay(Context(0)));
        for (var attempt = 1; attempt <= 30; attempt++)
        {
            var nominal = Math.Min(Math.Pow(1.6, attempt - 1), 120);
            for (var sample = 0; sample < 50; sample++)
            {
                var delay = policy.NextDelay(Context(attempt))!.Value.TotalSeconds;
                Assert.InRange(delay, nominal * 0.8 - 1e-9, nominal * 1.2 + 1e-9);
            }
        }
    }

    [Fact]
    public void Jitter_spreads_clients_that_lost_the_same_server()
    {
        var policy = new ExponentialBackoffRetryPolicy(TimeSpan.FromSeconds(1), 1.6, 0.2, TimeSpan.FromSeconds(120), random: new Random(42));
        var delays = Enumerable.Range(0, 100).Select(_ => policy.NextDelay(Context(3))!.Value).ToList();
        Assert.True(delays.Distinct().Count() > 90, "delays should differ between clients");
        Assert.True(delays.Min() < TimeSpan.FromSeconds(2.56 * 0.9) && delays.Max() > TimeSpan.FromSeconds(2.56 * 1.1), "delays should cover the jitter range");
    }

    [Fact]
    public void Corda_defaults_are_5s_times_1_5_capped_at_3_minutes_without_jitter()
    {
        var policy = ExponentialBackoffRetryPolicy.CordaDefaults();
        var delays = Enumerable.Range(0, 12).Select(i => policy.NextDelay(Context(i))!.Value.TotalSeconds).ToArray();
        double[] expected = [0, 5, 7.5, 11.25, 16.875, 25.3125, 37.96875, 56.953125, 85.4296875, 128.14453125, 180, 180];
        Assert.Equal(expected.Length, delays.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], delays[i], 6);
        }
    }

    [Fact]
    public void Gives_up_after_max_attempts_or_max_elapsed()
    {
        var byAttempts = ExponentialBackoffRetryPolicy.CordaDefaults(maxAttempts: 3);
        Assert.NotNull(byAttempts.NextDelay(Context(2)));
        Assert.Null(byAttempts.NextDelay(Context(3)));

        var byTime = new ExponentialBackoffRetryPolicy(TimeSpan.FromSeconds(1), 2, 0, TimeSpan.FromSeconds(10), maxElapsed: TimeSpan.FromMinutes(1));
        Assert.NotNull(byTime.NextDelay(Context(5, TimeSpan.FromSeconds(59))));
        Assert.Null(byTime.NextDelay(Context(5, TimeSpan.FromSeconds(60))));
    }

    [Fact]
    public void A_huge_attempt_count_stays_at_the_cap()
    {
        var policy = new ExponentialBackoffRetryPolicy(TimeSpan.FromSeconds(1), 10, 0, TimeSpan.FromSeconds(120));
        Assert.Equal(TimeSpan.FromSeconds(120), policy.NextDelay(Context(int.MaxValue)));
    }

    [Fact]
    public void Fixed_list_is_used_in_turn_then_gives_up_or_repeats_the_last()
    {
        var signalR = FixedDelaysRetryPolicy.SignalRDefault;
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)], Enumerable.Range(0, 4).Select(i => signalR.NextDelay(Context(i))!.Value));
        Assert.Null(signalR.NextDelay(Context(4)));

        var repeating = new FixedDelaysRetryPolicy([TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1)], repeatLast: true);
        Assert.Equal(TimeSpan.FromSeconds(1), repeating.NextDelay(Context(100)));
    }

    [Fact]
    public void Unusable_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialBackoffRetryPolicy(TimeSpan.Zero, 2, 0, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialBackoffRetryPolicy(TimeSpan.FromSeconds(1), 0.5, 0, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialBackoffRetryPolicy(TimeSpan.FromSeconds(1), double.NaN, 0, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialBackoffRetryPolicy(TimeSpan.FromSeconds(1), 2, 1, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialBackoffRetryPolicy(TimeSpan.FromSeconds(2), 2, 0, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialBackoffRetryPolicy(TimeSpan.FromSeconds(1), 2, 0, TimeSpan.FromSeconds(1), maxAttempts: 0));
        Assert.Throws<ArgumentException>(() => new FixedDelaysRetryPolicy([]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FixedDelaysRetryPolicy([TimeSpan.FromSeconds(-1)]));
    }

    [Fact]
    public void A_multiplier_of_exactly_1_is_a_constant_delay_and_a_max_delay_equal_to_the_initial_one_is_accepted()
    {
        var constant = new ExponentialBackoffRetryPolicy(TimeSpan.FromSeconds(3), 1, 0, TimeSpan.FromSeconds(3));
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3)], Enumerable.Range(0, 4).Select(i => constant.NextDelay(Context(i))!.Value));
    }

    [Fact]
    public void Jitter_stays_within_its_bounds_on_both_sides_of_the_nominal_delay()
    {
        // 10 s ± 50 %: every delay in [5 s, 15 s], and both halves of the range are used.
        var policy = new ExponentialBackoffRetryPolicy(TimeSpan.FromSeconds(10), 2, 0.5, TimeSpan.FromSeconds(10), random: new Random(7));
        var delays = Enumerable.Range(0, 500).Select(_ => policy.NextDelay(Context(1))!.Value.TotalSeconds).ToList();
        Assert.All(delays, d => Assert.InRange(d, 5.0, 15.0));
        Assert.Contains(delays, d => d < 7);
        Assert.Contains(delays, d => d > 13);
    }

    [Fact]
    public void Limits_that_cannot_work_are_refused_at_the_boundary()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialBackoffRetryPolicy(TimeSpan.FromSeconds(1), double.PositiveInfinity, 0, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialBackoffRetryPolicy(TimeSpan.FromSeconds(1), 2, -0.1, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialBackoffRetryPolicy(TimeSpan.FromSeconds(-1), 2, 0, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialBackoffRetryPolicy(TimeSpan.FromSeconds(1), 2, 0, TimeSpan.FromSeconds(1), maxElapsed: TimeSpan.Zero));
        Assert.Throws<ArgumentNullException>(() => new FixedDelaysRetryPolicy(null!));

        // The smallest usable values are accepted.
        var smallest = new ExponentialBackoffRetryPolicy(TimeSpan.FromTicks(1), 1, 0, TimeSpan.FromTicks(1), maxAttempts: 1, maxElapsed: TimeSpan.FromTicks(1));
        Assert.Equal((1, TimeSpan.FromTicks(1)), (smallest.MaxAttempts, smallest.MaxElapsed));
        Assert.Equal(TimeSpan.Zero, new FixedDelaysRetryPolicy([TimeSpan.Zero]).NextDelay(Context(0)));
    }
}
