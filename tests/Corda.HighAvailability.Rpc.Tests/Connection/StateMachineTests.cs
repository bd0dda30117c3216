using Corda.HighAvailability.Rpc.Calls;
using Corda.HighAvailability.Rpc.Retry;
using Corda.HighAvailability.Rpc.State;
using Corda.HighAvailability.Rpc.Tests.Infrastructure;
using static Corda.HighAvailability.Rpc.State.RpcConnectionEventKind;

namespace Corda.HighAvailability.Rpc.Tests.Connection;

/// <summary>The state sequence over the in-memory transport with fake time: what the application is told, and when.</summary>
public sealed class StateMachineTests
{
    [Fact]
    public async Task First_connection_reports_connecting_then_connected_on_the_first_endpoint()
    {
        await using var h = new Harness();
        Assert.Equal(RpcConnectionStatus.NotStarted, h.Connection.State.Status);

        await h.Connection.ConnectAsync();

        Assert.Equal([Connecting, Connected], h.Kinds);
        var state = h.Connection.State;
        Assert.Equal((RpcConnectionStatus.Connected, "a", true, h.Time.GetUtcNow()), (state.Status, state.Endpoint!.Name, state.HasConnected, state.ConnectedSince!.Value));
        Assert.Equal((1, TimeSpan.Zero, "a"), (h.Events[0].State.Attempt, h.Events[0].State.NextDelay!.Value, h.Events[0].State.Endpoint!.Name));
    }

    [Fact]
    public async Task A_loss_reports_disconnected_then_each_attempt_with_its_delay_and_endpoint_then_reconnected()
    {
        await using var h = new Harness();
        await h.Connection.ConnectAsync();
        h.Transport.SetDown("a");
        h.Transport.SetDown("b");
        h.Transport.Current!.Drop("node restarting");

        // Attempt 1 at once on the sticky endpoint (a), attempt 2 after 1 s on b, attempt 3 after 2 s on a again.
        await Eventually.True(() => h.Connection.State is { Status: RpcConnectionStatus.Reconnecting, Attempt: 2 }, "attempt 2 scheduled");
        var disconnected = h.Events.Single(e => e.Kind == Disconnected).State;
        Assert.Equal(("a", true), (disconnected.Endpoint!.Name, disconnected.Reason!.Contains("node restarting", StringComparison.Ordinal)));
        Assert.Equal(h.Time.GetUtcNow(), disconnected.DisconnectedSince);
        Assert.Equal((TimeSpan.FromSeconds(1), "b"), (h.Connection.State.NextDelay!.Value, h.Connection.State.Endpoint!.Name));
        Assert.Equal(h.Time.GetUtcNow() + TimeSpan.FromSeconds(1), h.Connection.State.NextAttemptAt);

        await h.Time.AdvanceUntil(() => h.Connection.State.Attempt == 3, TimeSpan.FromMilliseconds(100), "attempt 3 scheduled");
        Assert.Equal((TimeSpan.FromSeconds(2), "a"), (h.Connection.State.NextDelay!.Value, h.Connection.State.Endpoint!.Name));
        Assert.Contains("SocketException", h.Connection.State.Reason, StringComparison.Ordinal);

        h.Transport.SetDown("a", false);
        await h.Time.AdvanceUntil(() => h.Connection.State.Status == RpcConnectionStatus.Connected, TimeSpan.FromMilliseconds(100), "reconnected");

        Assert.Equal([Connecting, Connected, Disconnected, Reconnecting, Reconnecting, Reconnecting, Reconnected], h.Kinds);
        Assert.Equal([1, 2, 3], h.Events.Where(e => e.Kind == Reconnecting).Select(e => e.State.Attempt));
        Assert.Equal("a", h.Events[^1].State.Endpoint!.Name);
        Assert.Equal(["a", "a", "b", "a"], h.Transport.ConnectAttempts);
    }

    [Fact]
    public async Task Failover_goes_to_the_standby_and_sticks_to_it()
    {
        await using var h = new Harness();
        await h.Connection.ConnectAsync();
        h.Transport.SetDown("a");
        h.Transport.Current!.Drop();
        await h.Time.AdvanceUntil(() => h.Connection.State is { Status: RpcConnectionStatus.Connected, Endpoint.Name: "b" }, TimeSpan.FromMilliseconds(100), "failed over to b");

        // a comes back and b drops: the first attempt goes to b again (sticky), which answers.
        h.Transport.SetDown("a", false);
        h.Transport.Current!.Drop();
        await h.Time.AdvanceUntil(() => h.Kinds.Count(k => k == Reconnected) == 2, TimeSpan.FromMilliseconds(100), "reconnected");
        Assert.Equal(["a", "a", "b", "b"], h.Transport.ConnectAttempts);
        Assert.Equal("b", h.Connection.State.Endpoint!.Name);
    }

    [Fact]
    public async Task Without_initial_retry_the_first_connection_tries_each_endpoint_once_at_once_then_closes()
    {
        await using var h = new Harness();
        h.Transport.SetDown("a");
        h.Transport.SetDown("b");

        var error = await Assert.ThrowsAsync<RpcUnavailableException>(() => h.Connection.ConnectAsync());

        Assert.Equal(RpcUnavailableReason.Closed, error.Reason);
        Assert.Equal(["a", "b"], h.Transport.ConnectAttempts);
        Assert.Equal([Connecting, Connecting, Closed], h.Kinds);
        Assert.Contains("every endpoint (2)", h.Connection.State.Reason, StringComparison.Ordinal);
        Assert.False(h.Connection.State.HasConnected);
    }

    [Fact]
    public async Task With_initial_retry_the_first_connection_follows_the_policy_until_a_node_answers()
    {
        await using var h = new Harness(o => o.RetryInitialConnection = true);
        h.Transport.SetDown("a");
        h.Transport.SetDown("b");
        var connecting = h.Connection.ConnectAsync();

        await h.Time.AdvanceUntil(() => h.Connection.State.Attempt >= 4, TimeSpan.FromMilliseconds(250), "attempt 4 scheduled");
        Assert.False(connecting.IsCompleted);
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], h.Events.Take(4).Select(e => e.State.NextDelay!.Value));
        Assert.All(h.Events, e => Assert.Equal(Connecting, e.Kind));

        h.Transport.SetDown("b", false);
        await h.Time.AdvanceUntil(() => connecting.IsCompleted, TimeSpan.FromMilliseconds(250), "connected");
        await connecting;
        Assert.Equal(Connected, h.Kinds[^1]);
    }

    [Fact]
    public async Task When_the_policy_gives_up_the_connection_closes_with_the_reason_and_waiting_calls_fail()
    {
        await using var h = new Harness(o => o.ReconnectPolicy = new FixedDelaysRetryPolicy([TimeSpan.Zero, TimeSpan.FromSeconds(1)]));
        await h.Connection.ConnectAsync();
        h.Transport.SetDown("a");
        h.Transport.SetDown("b");
        h.Transport.Current!.Drop();
        await h.Time.AdvanceUntil(() => h.Connection.State.Attempt == 2, TimeSpan.FromMilliseconds(50), "attempt 2");
        var waiting = h.Connection.InvokeAsync(static (c, ctx) => c.CallAsync(ctx.RequestId, "x"), new RpcCallOptions { WaitForConnection = TimeSpan.FromHours(1) });

        await h.Time.AdvanceUntil(() => h.Connection.State.Status == RpcConnectionStatus.Closed, TimeSpan.FromMilliseconds(100), "closed");

        Assert.Equal([Connecting, Connected, Disconnected, Reconnecting, Reconnecting, Closed], h.Kinds);
        Assert.Contains("gave up after 2 failed attempts", h.Connection.State.Reason, StringComparison.Ordinal);
        Assert.NotNull(h.Connection.State.DisconnectedSince);
        var error = await Assert.ThrowsAsync<RpcUnavailableException>(() => waiting);
        Assert.Equal(RpcUnavailableReason.Closed, error.Reason);
        Assert.Empty(h.Transport.Executed);
    }

    [Fact]
    public async Task Closing_reports_closed_fails_calls_and_disposes_the_physical_connection()
    {
        var h = new Harness();
        await h.Connection.ConnectAsync();
        var physical = h.Transport.Current!;

        await h.Connection.CloseAsync();
        await h.Connection.CloseAsync();

        Assert.Equal([Connecting, Connected, Closed], h.Kinds);
        Assert.True(physical.Disposed);
        var error = await Assert.ThrowsAsync<RpcUnavailableException>(() => h.Connection.InvokeAsync(static (c, ctx) => c.CallAsync(ctx.RequestId, "x")));
        Assert.Equal(RpcUnavailableReason.Closed, error.Reason);
        Assert.Contains("application closed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connection_closed_before_it_started_never_connects()
    {
        var h = new Harness();
        await h.Connection.CloseAsync();

        await Assert.ThrowsAsync<RpcUnavailableException>(() => h.Connection.ConnectAsync());
        Assert.Empty(h.Transport.ConnectAttempts);
        Assert.Equal([Closed], h.Kinds);
        await using var e = h.Connection.WatchAsync().GetAsyncEnumerator();
        Assert.False(await e.MoveNextAsync());
    }

    [Fact]
    public async Task Watchers_get_every_event_in_order_and_the_stream_ends_when_the_connection_closes()
    {
        var h = new Harness();
        var seen = new List<RpcConnectionEventKind>();
        var reading = Task.Run(async () =>
        {
            await foreach (var e in h.Connection.WatchAsync())
            {
                seen.Add(e.Kind);
            }
        });
        await Eventually.True(() => true, "reader started");
        await Task.Delay(50);
        await h.Connection.ConnectAsync();
        h.Transport.Current!.Drop();
        await h.WaitForEvents(5);
        await h.Connection.CloseAsync();

        await reading.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal([Connecting, Connected, Disconnected, Reconnecting, Reconnected, Closed], seen);
    }

    [Fact]
    public async Task A_reader_that_does_not_read_loses_the_oldest_events_never_the_latest_and_never_blocks_the_connection()
    {
        var h = new Harness(o => o.EventBufferCapacity = 2);
        await using var stalled = h.Connection.WatchAsync().GetAsyncEnumerator();
        var first = stalled.MoveNextAsync(); // subscribes; then the reader stalls
        await h.Connection.ConnectAsync();
        for (var i = 0; i < 5; i++)
        {
            h.Transport.Current!.Drop();
            await h.WaitForEvents(2 + ((i + 1) * 3));
        }

        await h.Connection.CloseAsync();
        Assert.Equal(2 + (5 * 3) + 1, h.Events.Count);

        var kinds = new List<RpcConnectionEventKind>();
        if (await first)
        {
            kinds.Add(stalled.Current.Kind);
        }

        while (await stalled.MoveNextAsync())
        {
            kinds.Add(stalled.Current.Kind);
        }

        Assert.True(kinds.Count <= 3, $"read {kinds.Count} events: {string.Join(", ", kinds)}");
        Assert.Equal(Closed, kinds[^1]);
    }

    [Fact]
    public async Task A_throwing_state_handler_does_not_stop_the_connection()
    {
        await using var h = new Harness();
        h.Connection.StateChanged += (_, _) => throw new InvalidOperationException("bad handler");
        await h.Connection.ConnectAsync();
        h.Transport.Current!.Drop();
        await h.WaitForEvents(5);
        Assert.Equal(Reconnected, h.Kinds[^1]);
    }
}
