using Corda.HighAvailability.Rpc.Calls;
using Corda.HighAvailability.Rpc.Retry;
using Corda.HighAvailability.Rpc.State;
using Corda.HighAvailability.Rpc.Tests.Infrastructure;

namespace Corda.HighAvailability.Rpc.Tests.Connection;

/// <summary>Connection-wide defaults that a call inherits, and the bounds of a wait, an attempt and a policy's delay.</summary>
public sealed class DefaultsAndBoundsTests
{
    private static async Task Outage(Harness h)
    {
        await h.Connection.ConnectAsync();
        h.Transport.SetDown("a");
        h.Transport.SetDown("b");
        h.Transport.Current!.Drop();
        await Eventually.True(() => h.Connection.State is { Status: RpcConnectionStatus.Reconnecting, Attempt: 2 }, "outage");
    }

    [Fact]
    public async Task A_call_that_does_not_say_waits_for_the_connections_default_wait()
    {
        await using var h = new Harness(o => o.DefaultWaitForConnection = TimeSpan.FromSeconds(30));
        await Outage(h);
        var call = h.Connection.InvokeAsync(static (c, ctx) => c.CallAsync(ctx.RequestId, "queued"));
        await Eventually.True(() => h.Connection.WaitingCalls == 1, "call waiting");

        h.Transport.SetDown("b", false);
        await h.Time.AdvanceUntil(() => call.IsCompleted, TimeSpan.FromMilliseconds(100), "call completed");
        Assert.Equal("b:queued", await call);

        // A call's own zero still fails fast.
        h.Transport.SetDown("b");
        h.Transport.Current!.Drop();
        await Eventually.True(() => h.Connection.State.Status == RpcConnectionStatus.Reconnecting, "second outage");
        var error = await Assert.ThrowsAsync<RpcUnavailableException>(() =>
            h.Connection.InvokeAsync(static (c, ctx) => c.CallAsync(ctx.RequestId, "x"), new RpcCallOptions { WaitForConnection = TimeSpan.Zero }));
        Assert.Equal(RpcUnavailableReason.Disconnected, error.Reason);
    }

    [Fact]
    public async Task A_retried_call_that_does_not_say_gets_the_connections_attempt_limit()
    {
        await using var h = new Harness(o => o.MaxCallAttempts = 2);
        await h.Connection.ConnectAsync();
        var attempts = 0;
        var error = await Assert.ThrowsAsync<RpcConnectionLostException>(() => h.Connection.InvokeAsync<string>(
            (_, _) =>
            {
                Interlocked.Increment(ref attempts);
                h.Transport.Current?.Drop();
                return Task.FromException<string>(new FakeConnectionLostException("dropped mid-call", sent: true));
            },
            new RpcCallOptions { Idempotent = true, WaitForConnection = TimeSpan.FromSeconds(30) }).WaitAsync(TimeSpan.FromSeconds(15)));

        Assert.Equal((2, 2), (error.Attempts, Volatile.Read(ref attempts)));
    }

    [Fact]
    public async Task A_call_with_one_attempt_is_not_retried_even_when_idempotent()
    {
        await using var h = new Harness();
        await h.Connection.ConnectAsync();
        var error = await Assert.ThrowsAsync<RpcConnectionLostException>(() => h.Connection.InvokeAsync<string>(
            static (_, _) => Task.FromException<string>(new FakeConnectionLostException("reset", sent: true)),
            new RpcCallOptions { Idempotent = true, MaxAttempts = 1, WaitForConnection = TimeSpan.FromSeconds(30) }));
        Assert.Equal(1, error.Attempts);
        Assert.True(error.MayHaveReachedServer);
    }

    [Fact]
    public async Task Retry_after_is_zero_not_negative_once_the_next_attempt_is_due()
    {
        await using var h = new Harness();
        await Outage(h);
        // The attempt is due but hangs in the transport's connect: the connection is still reconnecting.
        var slow = new TaskCompletionSource();
        h.Transport.ConnectGate = slow.Task;
        await h.Time.AdvanceUntil(() => h.Transport.ConnectAttempts.Count == 3, TimeSpan.FromMilliseconds(250), "attempt 2 started");
        h.Time.Advance(TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<RpcUnavailableException>(() => h.Connection.InvokeAsync(static (c, ctx) => c.CallAsync(ctx.RequestId, "x")));

        Assert.Equal((RpcConnectionStatus.Reconnecting, TimeSpan.Zero), (error.State.Status, error.RetryAfter));
        slow.SetResult();
    }

    [Fact]
    public async Task A_connection_attempt_that_hangs_fails_after_the_connect_timeout_and_the_next_attempt_follows()
    {
        await using var h = new Harness(o => o.ConnectTimeout = TimeSpan.FromSeconds(5));
        var never = new TaskCompletionSource();
        h.Transport.ConnectGate = never.Task;
        var connecting = h.Connection.ConnectAsync();
        await Eventually.True(() => h.Transport.ConnectAttempts.Count == 1, "attempt 1 started");

        h.Time.Advance(TimeSpan.FromSeconds(4.9));
        await Task.Delay(50);
        Assert.Single(h.Transport.ConnectAttempts);
        await h.Time.AdvanceUntil(() => h.Transport.ConnectAttempts.Count == 2, TimeSpan.FromMilliseconds(100), "attempt 2 on b");

        Assert.Equal(["a", "b"], h.Transport.ConnectAttempts);
        var attempt2 = h.Events[^1].State;
        Assert.Equal((2, "b"), (attempt2.Attempt, attempt2.Endpoint!.Name));
        Assert.Equal("No connection to a (tcp://a.example:10003/) within 5 s.", attempt2.Reason);
        Assert.IsType<TimeoutException>(attempt2.LastError);
        never.SetResult();
        await connecting;
    }

    [Fact]
    public async Task A_negative_delay_from_a_custom_policy_means_at_once()
    {
        await using var h = new Harness(o => o.ReconnectPolicy = new ConstantPolicy(TimeSpan.FromSeconds(-5)));
        await h.Connection.ConnectAsync();
        h.Transport.Current!.Drop();

        await h.WaitForEvents(5);
        Assert.Equal(RpcConnectionEventKind.Reconnected, h.Kinds[^1]);
        Assert.Equal(TimeSpan.Zero, h.Events.Single(e => e.Kind == RpcConnectionEventKind.Reconnecting).State.NextDelay);
    }

    [Fact]
    public async Task A_policy_that_throws_closes_the_connection_with_the_reason_rather_than_stop_reconnecting_silently()
    {
        await using var h = new Harness(o => o.ReconnectPolicy = new ThrowingPolicy());
        await h.Connection.ConnectAsync();
        h.Transport.Current!.Drop();

        await h.WaitForStatus(RpcConnectionStatus.Closed);
        Assert.Equal("The connection's supervising loop failed: InvalidOperationException: broken policy", h.Connection.State.Reason);
        Assert.IsType<InvalidOperationException>(h.Connection.State.LastError);
    }

    [Fact]
    public async Task A_call_retried_after_a_loss_after_send_still_says_it_may_have_run_when_a_later_attempt_never_left()
    {
        await using var h = new Harness();
        await h.Connection.ConnectAsync();
        var error = await Assert.ThrowsAsync<RpcConnectionLostException>(() => h.Connection.InvokeAsync<string>(
            (_, ctx) => Task.FromException<string>(new FakeConnectionLostException("reset", sent: ctx.Attempt == 1)),
            new RpcCallOptions { Idempotent = true, MaxAttempts = 3, WaitForConnection = TimeSpan.FromSeconds(30) }).WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal((3, true), (error.Attempts, error.MayHaveReachedServer));

        var neverLeft = await Assert.ThrowsAsync<RpcConnectionLostException>(() => h.Connection.InvokeAsync<string>(
            static (_, _) => Task.FromException<string>(new FakeConnectionLostException("refused", sent: false)),
            new RpcCallOptions { Idempotent = true, MaxAttempts = 3, WaitForConnection = TimeSpan.FromSeconds(30) }).WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal((3, false), (neverLeft.Attempts, neverLeft.MayHaveReachedServer));
    }

    [Fact]
    public async Task The_policy_is_told_whether_the_first_connection_is_still_being_made()
    {
        var policy = new RecordingPolicy();
        await using var h = new Harness(o =>
        {
            o.RetryInitialConnection = true;
            o.ReconnectPolicy = policy;
        });
        h.Transport.SetDown("a");
        await h.Connection.ConnectAsync();
        h.Transport.Current!.Drop();
        await h.WaitForEvents(6);

        Assert.Equal([true, true, false], policy.Contexts.Select(c => c.IsInitialConnection));
        Assert.Equal([0, 1, 0], policy.Contexts.Select(c => c.PreviousAttempts));
        Assert.Equal(["a", "b", "b"], policy.Contexts.Select(c => c.NextEndpoint.Name));
    }

    [Fact]
    public async Task A_stream_on_a_closed_connection_fails_fast_saying_closed()
    {
        var h = new Harness();
        await h.Connection.CloseAsync();
        var error = await Assert.ThrowsAsync<RpcUnavailableException>(async () =>
        {
            await foreach (var _ in h.Connection.StreamAsync(static (_, _) => AsyncEnumerable.Empty<int>()))
            {
            }
        });
        Assert.Equal(RpcUnavailableReason.Closed, error.Reason);
    }

    [Fact]
    public async Task The_call_context_says_whether_the_request_id_is_the_callers()
    {
        await using var h = new Harness();
        await h.Connection.ConnectAsync();
        Assert.True(await h.Connection.InvokeAsync(static (_, ctx) => Task.FromResult(ctx.IsCallerRequestId), new RpcCallOptions { RequestId = "flow-1" }));
        Assert.False(await h.Connection.InvokeAsync(static (_, ctx) => Task.FromResult(ctx.IsCallerRequestId)));
    }

    private sealed class RecordingPolicy : IRpcRetryPolicy
    {
        public List<RpcRetryContext> Contexts { get; } = [];

        public TimeSpan? NextDelay(RpcRetryContext context)
        {
            lock (Contexts)
            {
                Contexts.Add(context);
            }

            return TimeSpan.Zero;
        }
    }

    private sealed class ConstantPolicy(TimeSpan delay) : IRpcRetryPolicy
    {
        public TimeSpan? NextDelay(RpcRetryContext context) => delay;
    }

    private sealed class ThrowingPolicy : IRpcRetryPolicy
    {
        public TimeSpan? NextDelay(RpcRetryContext context) => throw new InvalidOperationException("broken policy");
    }
}
