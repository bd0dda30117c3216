using Corda.HighAvailability.Rpc.State;
using Corda.HighAvailability.Rpc.Subscriptions;
using Corda.HighAvailability.Rpc.Tests.Infrastructure;

namespace Corda.HighAvailability.Rpc.Tests.Connection;

public sealed class SubscriptionTests
{
    [Fact]
    public async Task Hooks_run_on_every_connection_and_say_when_events_may_have_been_missed()
    {
        await using var h = new Harness();
        var runs = new List<(string Endpoint, RpcResubscribeContext Context, FakeClient Client)>();
        using var hook = h.Connection.AddSubscription((client, context, _) =>
        {
            lock (runs)
            {
                runs.Add((context.Endpoint.Name, context, client));
            }

            return Task.CompletedTask;
        });

        await h.Connection.ConnectAsync();
        await Eventually.True(() => runs.Count == 1, "first run");
        Assert.False(runs[0].Context.MayHaveMissedEvents);
        Assert.False(runs[0].Context.IsReconnect);
        Assert.Null(runs[0].Context.Gap);

        h.Transport.SetDown("a");
        var lostAt = h.Time.GetUtcNow();
        h.Transport.Current!.Drop();
        await Eventually.True(() => h.Kinds.Contains(RpcConnectionEventKind.Disconnected), "loss noticed");
        await h.Time.AdvanceUntil(() => runs.Count == 2, TimeSpan.FromMilliseconds(100), "run after reconnect");

        var second = runs[1].Context;
        Assert.True(second.MayHaveMissedEvents);
        Assert.True(second.IsReconnect);
        Assert.Equal(lostAt, second.DisconnectedSince);
        Assert.True(second.Gap >= TimeSpan.FromSeconds(1), $"gap {second.Gap}");
        Assert.Equal("b", runs[1].Endpoint);
        Assert.Same(h.Transport.Current!.Client, runs[1].Client);
    }

    [Fact]
    public async Task A_hook_added_while_connected_runs_at_once_and_only_once_on_that_connection()
    {
        await using var h = new Harness();
        await h.Connection.ConnectAsync();
        var runs = 0;
        var hook = h.Connection.AddSubscription((_, context, _) =>
        {
            Assert.False(context.MayHaveMissedEvents);
            Interlocked.Increment(ref runs);
            return Task.CompletedTask;
        });
        await Eventually.True(() => Volatile.Read(ref runs) == 1, "ran on the current connection");
        await Task.Delay(50);
        Assert.Equal(1, Volatile.Read(ref runs));

        hook.Dispose();
        h.Transport.Current!.Drop();
        await h.WaitForEvents(5);
        await Task.Delay(50);
        Assert.Equal(1, Volatile.Read(ref runs));
    }

    [Fact]
    public async Task A_hook_failing_with_a_connection_loss_makes_the_connection_reconnect_and_runs_again()
    {
        await using var h = new Harness();
        var runs = 0;
        using var hook = h.Connection.AddSubscription((_, _, _) =>
            Interlocked.Increment(ref runs) == 1
                ? Task.FromException(new FakeConnectionLostException("feed refused: connection reset", sent: true))
                : Task.CompletedTask);

        await h.Connection.ConnectAsync();

        await Eventually.True(() => Volatile.Read(ref runs) == 2, "hook ran again on a new connection");
        await h.WaitForStatus(RpcConnectionStatus.Connected);
        Assert.Equal(2, h.Transport.Connections.Count);
    }

    [Fact]
    public async Task A_hook_failing_otherwise_is_logged_and_leaves_the_connection_up()
    {
        await using var h = new Harness();
        using var hook = h.Connection.AddSubscription((_, _, _) => Task.FromException(new InvalidOperationException("bug in hook")));
        await h.Connection.ConnectAsync();
        await Task.Delay(100);
        Assert.Equal(RpcConnectionStatus.Connected, h.Connection.State.Status);
        Assert.Single(h.Transport.Connections);
    }

    [Fact]
    public void A_hook_claims_each_connection_generation_once_and_never_an_older_one()
    {
        var set = new SubscriptionSet<FakeClient>();
        var entry = set.Add((_, _, _) => Task.CompletedTask);

        Assert.True(entry.Claim(1));
        Assert.False(entry.Claim(1));
        Assert.True(entry.Claim(3));
        Assert.False(entry.Claim(2));
        Assert.Same(entry, Assert.Single(set.Snapshot()));

        entry.Dispose();
        Assert.Empty(set.Snapshot());
    }
}
