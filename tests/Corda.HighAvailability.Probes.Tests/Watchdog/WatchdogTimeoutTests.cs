using Corda.HighAvailability.Probes.Watchdog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Probes.Tests.Watchdog;

/// <summary>Slow and stuck user code: it times out, and delays neither the loop nor the other probes.</summary>
public sealed class WatchdogTimeoutTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_work_probe_that_blocks_its_thread_and_ignores_cancellation_neither_holds_the_round_nor_the_other_probes()
    {
        using var gate = new ManualResetEventSlim();
        var stuckStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stuckRuns = 0;
        ScriptedWork fast = null!;
        await using var harness = WatchdogHarness.Create(
            o => o.ProbeTimeout = TimeSpan.FromSeconds(2),
            (b, time) => b
                .AddWorkProbe("stuck", (_, _) =>
                {
                    // Blocking, synchronous user code that never looks at its token.
                    Interlocked.Increment(ref stuckRuns);
                    stuckStarted.TrySetResult();
                    gate.Wait();
                    return ValueTask.CompletedTask;
                })
                .AddWorkProbe("fast", (fast = new ScriptedWork(time)).RunAsync));

        var round = harness.RoundAsync();
        await stuckStarted.Task.WaitAsync(Wait, Ct);
        while (fast.Runs == 0)
        {
            await Task.Delay(10, Ct);
        }

        Assert.False(round.IsCompleted); // It waits for "stuck", but only up to the timeout on the host's clock.
        harness.Time.Advance(TimeSpan.FromSeconds(2));
        await round.WaitAsync(Wait, Ct);
        var first = await harness.VerdictAsync();

        // Later rounds do not start it again while it is stuck; each counts as a timeout, and "fast" runs on.
        await harness.RoundsAsync(2);
        var third = await harness.VerdictAsync();

        Assert.Equal("timeout", first.Data["stuck.lastOutcome"]);
        Assert.Equal("success", first.Data["fast.lastOutcome"]);
        Assert.Equal(HealthStatus.Unhealthy, third.Status);
        Assert.Contains("'stuck' is unhealthy", third.Description, StringComparison.Ordinal);
        Assert.Contains("has not returned", third.Description, StringComparison.Ordinal);
        Assert.Equal(3, third.Data["stuck.consecutiveFailures"]);
        Assert.Equal("healthy", third.Data["fast.status"]);
        Assert.Equal(3, fast.Runs);
        Assert.Equal(1, Volatile.Read(ref stuckRuns));

        gate.Set();
        for (var i = 0; i < 50 && Volatile.Read(ref stuckRuns) == 1; i++)
        {
            // Once it has returned, the next round runs it again.
            await Task.Delay(10, Ct);
            await harness.RoundAsync();
        }

        Assert.Equal(2, Volatile.Read(ref stuckRuns));
        Assert.Equal("success", (await harness.VerdictAsync()).Data["stuck.lastOutcome"]);
    }

    [Fact]
    public async Task A_work_probe_that_honours_its_token_is_cancelled_at_the_timeout_and_runs_again_next_round()
    {
        var started = 0;
        var cancelled = 0;
        await using var harness = WatchdogHarness.Create(
            o => o.ProbeTimeout = TimeSpan.FromSeconds(2),
            (b, time) => b.AddWorkProbe("slow-flow", async (_, token) =>
            {
                Interlocked.Increment(ref started);
                try
                {
                    await Task.Delay(TimeSpan.FromMinutes(1), time, token);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref cancelled);
                    throw;
                }
            }));

        for (var i = 1; i <= 3; i++)
        {
            var round = harness.RoundAsync();
            await WaitUntilAsync(() => Volatile.Read(ref started) == i);
            harness.Time.Advance(TimeSpan.FromSeconds(2));
            await round.WaitAsync(Wait, Ct);

            // Cancelled at the deadline, it returns by itself soon after; rounds are a period apart in a host.
            await WaitUntilAsync(() => Volatile.Read(ref cancelled) == i && harness.Watchdog.IsIdle);
        }

        var verdict = await harness.VerdictAsync();
        Assert.Equal(HealthStatus.Unhealthy, verdict.Status);
        Assert.Contains("No answer within ProbeTimeout (2 s)", verdict.Description, StringComparison.Ordinal);
        Assert.Equal(3, Volatile.Read(ref started));
    }

    [Fact]
    public async Task A_work_probe_resolved_from_the_container_runs_in_a_scope_of_its_own()
    {
        await using var harness = WatchdogHarness.Create(_ => { }, (b, _) =>
        {
            b.Services.AddSingleton<RunLog>().AddScoped<ScopeMarker>();
            b.AddWorkProbe<TypedProbe>("typed");
        });

        await harness.RoundsAsync(2);

        Assert.Equal(HealthStatus.Healthy, (await harness.VerdictAsync()).Status);
        var scopes = harness.Provider.GetRequiredService<RunLog>().Scopes;
        Assert.Equal(2, scopes.Count);
        Assert.NotSame(scopes.First(), scopes.Last());
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            Assert.True(TimeProvider.System.GetElapsedTime(deadline) < Wait, "the condition did not become true within 30 s");
            await Task.Delay(10, Ct);
        }
    }

    private sealed class RunLog
    {
        public System.Collections.Concurrent.ConcurrentQueue<ScopeMarker> Scopes { get; } = new();
    }

    private sealed class ScopeMarker;

    /// <summary>A typed probe that depends on a scoped service.</summary>
    private sealed class TypedProbe(RunLog log, ScopeMarker scope) : IWorkProbe
    {
        public ValueTask ProbeAsync(CancellationToken cancellationToken)
        {
            log.Scopes.Enqueue(scope);
            return ValueTask.CompletedTask;
        }
    }
}
