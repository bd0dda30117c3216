using Corda.HighAvailability.Rpc.Calls;
using Corda.HighAvailability.Rpc.State;
using Corda.HighAvailability.Rpc.Tests.Infrastructure;

namespace Corda.HighAvailability.Rpc.Tests.Connection;

/// <summary>Call semantics: fail fast, bounded waiting, bounded backlog, no silent double execution, request ids.</summary>
public sealed class CallTests
{
    private static readonly RpcCallOptions Wait30s = new() { WaitForConnection = TimeSpan.FromSeconds(30) };

    private static Task<string> Call(Harness h, string payload, RpcCallOptions? options = null, CancellationToken cancellationToken = default) =>
        h.Connection.InvokeAsync((c, ctx) => c.CallAsync(ctx.RequestId, payload, ctx.CancellationToken), options, cancellationToken);

    private static async Task Outage(Harness h)
    {
        await h.Connection.ConnectAsync();
        h.Transport.SetDown("a");
        h.Transport.SetDown("b");
        h.Transport.Current!.Drop();
        await Eventually.True(() => h.Connection.State is { Status: RpcConnectionStatus.Reconnecting, Attempt: 2 }, "outage");
    }

    [Fact]
    public async Task A_connected_call_runs_once_on_the_current_connection()
    {
        await using var h = new Harness();
        await h.Connection.ConnectAsync();
        Assert.Equal("a:hello", await Call(h, "hello"));
        Assert.Single(h.Transport.Executed);
    }

    [Fact]
    public async Task While_disconnected_a_call_fails_fast_with_the_state_and_the_time_to_the_next_attempt()
    {
        await using var h = new Harness();
        await Outage(h);
        h.Time.Advance(TimeSpan.FromMilliseconds(400));

        var error = await Assert.ThrowsAsync<RpcUnavailableException>(() => Call(h, "x"));

        Assert.Equal(RpcUnavailableReason.Disconnected, error.Reason);
        Assert.Equal(RpcConnectionStatus.Reconnecting, error.State.Status);
        Assert.Equal(TimeSpan.FromMilliseconds(600), error.RetryAfter);
        Assert.Equal("test", error.ConnectionName);
        Assert.Empty(h.Transport.Executed);
    }

    [Fact]
    public async Task Before_the_start_a_call_fails_fast()
    {
        await using var h = new Harness();
        var error = await Assert.ThrowsAsync<RpcUnavailableException>(() => Call(h, "x"));
        Assert.Equal((RpcUnavailableReason.Disconnected, RpcConnectionStatus.NotStarted, null), (error.Reason, error.State.Status, error.RetryAfter));
    }

    [Fact]
    public async Task A_waiting_call_goes_through_once_the_connection_is_back()
    {
        await using var h = new Harness();
        await Outage(h);
        var call = Call(h, "queued", Wait30s);
        await Eventually.True(() => h.Connection.WaitingCalls == 1, "call waiting");

        h.Transport.SetDown("b", false);
        await h.Time.AdvanceUntil(() => call.IsCompleted, TimeSpan.FromMilliseconds(100), "call completed");

        Assert.Equal("b:queued", await call);
        Assert.Single(h.Transport.Executed);
        Assert.Equal(0, h.Connection.WaitingCalls);
    }

    [Fact]
    public async Task An_unbounded_per_call_wait_is_clamped_not_refused()
    {
        await using var h = new Harness();
        await Outage(h);
        var call = Call(h, "x", new RpcCallOptions { WaitForConnection = TimeSpan.MaxValue });
        await Eventually.True(() => h.Connection.WaitingCalls == 1, "call waiting");
        h.Transport.SetDown("a", false);
        await h.Time.AdvanceUntil(() => call.IsCompleted, TimeSpan.FromMilliseconds(100), "call completed");
        Assert.Equal("a:x", await call);
    }

    [Fact]
    public async Task A_waiting_call_gives_up_after_its_wait()
    {
        await using var h = new Harness();
        await Outage(h);
        var call = Call(h, "x", new RpcCallOptions { WaitForConnection = TimeSpan.FromSeconds(5) });
        await Eventually.True(() => h.Connection.WaitingCalls == 1, "call waiting");
        var started = h.Time.GetUtcNow();

        await h.Time.AdvanceUntil(() => call.IsCompleted, TimeSpan.FromMilliseconds(100), "call gave up");

        var error = await Assert.ThrowsAsync<RpcUnavailableException>(() => call);
        Assert.Equal(RpcUnavailableReason.WaitTimedOut, error.Reason);
        Assert.InRange(h.Time.GetUtcNow() - started, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(6));
        Assert.Equal(0, h.Connection.WaitingCalls);
    }

    [Fact]
    public async Task The_backlog_is_bounded_the_next_call_fails_fast_rather_than_queue()
    {
        await using var h = new Harness(o => o.MaxWaitingCalls = 2);
        await Outage(h);
        var waiting = new[] { Call(h, "1", Wait30s), Call(h, "2", Wait30s) };
        await Eventually.True(() => h.Connection.WaitingCalls == 2, "two calls waiting");

        var error = await Assert.ThrowsAsync<RpcUnavailableException>(() => Call(h, "3", Wait30s));

        Assert.Equal(RpcUnavailableReason.BacklogFull, error.Reason);
        Assert.Equal(2, h.Connection.WaitingCalls);
        h.Transport.SetDown("a", false);
        await h.Time.AdvanceUntil(() => waiting.All(t => t.IsCompleted), TimeSpan.FromMilliseconds(100), "backlog drained");
        Assert.Equal(["a:1", "a:2"], (await Task.WhenAll(waiting)).Order());
    }

    [Fact]
    public async Task A_cancelled_waiting_call_leaves_the_backlog()
    {
        await using var h = new Harness();
        await Outage(h);
        using var cancel = new CancellationTokenSource();
        var call = Call(h, "x", Wait30s, cancel.Token);
        await Eventually.True(() => h.Connection.WaitingCalls == 1, "call waiting");

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(0, h.Connection.WaitingCalls);
    }

    [Fact]
    public async Task An_in_flight_call_that_is_not_idempotent_fails_saying_it_may_have_run_and_is_never_run_again()
    {
        await using var h = new Harness();
        await h.Connection.ConnectAsync();
        h.Transport.Current!.Client.HoldReplies = true;
        var call = Call(h, "transfer", Wait30s);
        await Eventually.True(() => h.Transport.Executed.Count == 1, "request executed, reply held");

        h.Transport.Current!.Drop();

        var error = await Assert.ThrowsAsync<RpcConnectionLostException>(() => call);
        Assert.True(error.MayHaveReachedServer);
        Assert.Equal(("a", 1), (error.Endpoint!.Name, error.Attempts));
        Assert.Equal(h.Transport.Executed.Single().RequestId, error.RequestId);
        Assert.IsType<FakeConnectionLostException>(error.InnerException);
        await h.WaitForStatus(RpcConnectionStatus.Connected);
        await Task.Delay(100);
        Assert.Single(h.Transport.Executed);
    }

    [Fact]
    public async Task An_idempotent_call_is_retried_on_the_next_connection_with_the_same_request_id()
    {
        await using var h = new Harness();
        await h.Connection.ConnectAsync();
        h.Transport.Current!.Client.HoldReplies = true;
        var attempts = new List<(int Attempt, string RequestId, string Endpoint)>();
        var call = h.Connection.InvokeAsync(
            (c, ctx) =>
            {
                lock (attempts)
                {
                    attempts.Add((ctx.Attempt, ctx.RequestId, ctx.Endpoint.Name));
                }

                return c.CallAsync(ctx.RequestId, "balance", ctx.CancellationToken);
            },
            new RpcCallOptions { Idempotent = true, WaitForConnection = TimeSpan.FromSeconds(30) });
        await Eventually.True(() => h.Transport.Executed.Count == 1, "first attempt executed");
        h.Transport.SetDown("a");

        h.Transport.Current!.Drop();
        await h.Time.AdvanceUntil(() => call.IsCompleted, TimeSpan.FromMilliseconds(100), "retried call completed");

        Assert.Equal("b:balance", await call);
        Assert.Equal([1, 2], attempts.Select(a => a.Attempt));
        Assert.Single(attempts.Select(a => a.RequestId).Distinct());
        Assert.Equal(["a", "b"], attempts.Select(a => a.Endpoint));
        Assert.Single(h.Transport.Executed.Select(e => e.RequestId).Distinct());
        Assert.False(attempts[0].RequestId is null or "");
    }

    [Fact]
    public async Task A_call_with_the_callers_request_id_is_retried_under_that_id_like_a_Corda_flow_client_id()
    {
        await using var h = new Harness();
        await h.Connection.ConnectAsync();
        h.Transport.Current!.Client.HoldReplies = true;
        var call = Call(h, "start-flow", new RpcCallOptions { RequestId = "flow-42", WaitForConnection = TimeSpan.FromSeconds(30) });
        await Eventually.True(() => h.Transport.Executed.Count == 1, "first attempt executed");

        h.Transport.Current!.Drop();

        Assert.Equal("a:start-flow", await call.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(["flow-42", "flow-42"], h.Transport.Executed.Select(e => e.RequestId));
    }

    [Fact]
    public async Task A_retried_call_stops_after_its_attempts_and_says_it_may_have_run()
    {
        await using var h = new Harness();
        await h.Connection.ConnectAsync();
        var call = h.Connection.InvokeAsync(
            (c, ctx) =>
            {
                var sent = c.CallAsync(ctx.RequestId, "x");
                h.Transport.Current?.Drop();
                return Task.FromException<string>(new FakeConnectionLostException("dropped mid-call", sent: true));
            },
            new RpcCallOptions { Idempotent = true, MaxAttempts = 3, WaitForConnection = TimeSpan.FromSeconds(30) });

        var error = await Assert.ThrowsAsync<RpcConnectionLostException>(() => call.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(3, error.Attempts);
        Assert.True(error.MayHaveReachedServer);
        Assert.Equal(3, h.Transport.Executed.Count);
    }

    [Fact]
    public async Task A_request_that_never_left_is_retried_even_when_not_idempotent()
    {
        await using var h = new Harness();
        await h.Connection.ConnectAsync();
        var call = h.Connection.InvokeAsync(
            (c, ctx) => ctx.Attempt == 1
                ? Task.FromException<string>(new FakeConnectionLostException("write failed: broken pipe", sent: false))
                : c.CallAsync(ctx.RequestId, "transfer"),
            Wait30s);

        Assert.Equal("a:transfer", await call.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Single(h.Transport.Executed);
        // The report of the loss made the connection reconnect.
        Assert.Equal(2, h.Transport.Connections.Count);
    }

    [Fact]
    public async Task A_fail_fast_call_lost_before_sending_says_it_never_reached_the_server()
    {
        await using var h = new Harness();
        await h.Connection.ConnectAsync();
        var error = await Assert.ThrowsAsync<RpcConnectionLostException>(() => h.Connection.InvokeAsync(
            static (_, _) => Task.FromException<string>(new FakeConnectionLostException("broken pipe", sent: false))));
        Assert.False(error.MayHaveReachedServer);
    }

    [Fact]
    public async Task Server_errors_pass_through_unchanged_and_do_not_touch_the_connection()
    {
        await using var h = new Harness();
        await h.Connection.ConnectAsync();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Call(h, "fail:insufficient funds", Wait30s));
        Assert.Equal("server says insufficient funds", error.Message);
        var thrown = await Assert.ThrowsAsync<ArgumentException>(() => h.Connection.InvokeAsync<string>(static (_, _) => throw new ArgumentException("bad")));
        Assert.Equal("bad", thrown.Message);
        Assert.Equal(RpcConnectionStatus.Connected, h.Connection.State.Status);
        Assert.Single(h.Transport.Connections);
    }

    [Fact]
    public async Task Generated_request_ids_are_unique_per_call()
    {
        await using var h = new Harness();
        await h.Connection.ConnectAsync();
        for (var i = 0; i < 100; i++)
        {
            await Call(h, "q");
        }

        Assert.Equal(100, h.Transport.Executed.Select(e => e.RequestId).Distinct().Count());
    }
}
