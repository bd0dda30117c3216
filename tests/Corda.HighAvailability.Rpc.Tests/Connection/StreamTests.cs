using System.Runtime.CompilerServices;
using Corda.HighAvailability.Rpc.Calls;
using Corda.HighAvailability.Rpc.State;
using Corda.HighAvailability.Rpc.Tests.Infrastructure;

namespace Corda.HighAvailability.Rpc.Tests.Connection;

/// <summary><c>StreamAsync</c>: how a stream's connection loss, application error, cancellation and missing connection reach the reader.</summary>
public sealed class StreamTests
{
    private static async IAsyncEnumerable<int> Items(int count, Exception? thenThrow, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 1; i <= count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return i;
        }

        if (thenThrow is not null)
        {
            throw thenThrow;
        }
    }

    private static async Task<List<int>> ReadAll(IAsyncEnumerable<int> stream, List<int>? into = null)
    {
        into ??= [];
        await foreach (var item in stream)
        {
            into.Add(item);
        }

        return into;
    }

    [Fact]
    public async Task A_connection_lost_while_reading_fails_with_connection_lost_reports_the_loss_and_counts_items_as_reached()
    {
        await using var h = new Harness();
        await h.Connection.ConnectAsync();
        var seen = new List<int>();

        // The transport says "not sent", but two items came: the request reached the server.
        var lost = await Assert.ThrowsAsync<RpcConnectionLostException>(() =>
            ReadAll(h.Connection.StreamAsync((_, ctx) => Items(2, new FakeConnectionLostException("reset", sent: false), ctx.CancellationToken)), seen));
        Assert.Equal([1, 2], seen);
        Assert.True(lost.MayHaveReachedServer);
        Assert.Equal("a", lost.Endpoint!.Name);

        // Reported by the stream alone (nothing dropped the fake connection): the connection is replaced.
        await Eventually.True(() => h.Kinds.Contains(RpcConnectionEventKind.Disconnected), "the loss reported by the stream");
        await h.WaitForStatus(RpcConnectionStatus.Connected);

        var notSent = await Assert.ThrowsAsync<RpcConnectionLostException>(() =>
            ReadAll(h.Connection.StreamAsync((_, ctx) => Items(0, new FakeConnectionLostException("refused", sent: false), ctx.CancellationToken))));
        Assert.False(notSent.MayHaveReachedServer);
    }

    [Fact]
    public async Task An_application_error_and_the_callers_cancellation_pass_through_and_leave_the_connection_alone()
    {
        await using var h = new Harness();
        await h.Connection.ConnectAsync();
        var appError = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ReadAll(h.Connection.StreamAsync((_, ctx) => Items(1, new InvalidOperationException("server says no"), ctx.CancellationToken))));
        Assert.Equal("server says no", appError.Message);

        using var cancel = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var item in h.Connection.StreamAsync((_, ctx) => Items(10, null, ctx.CancellationToken), cancellationToken: cancel.Token))
            {
                if (item == 2)
                {
                    await cancel.CancelAsync();
                }
            }
        });
        Assert.Equal([RpcConnectionEventKind.Connecting, RpcConnectionEventKind.Connected], h.Kinds);
        Assert.Equal([1, 2, 3], await ReadAll(h.Connection.StreamAsync((_, ctx) => Items(3, null, ctx.CancellationToken))));
    }

    [Fact]
    public async Task Without_a_connection_a_stream_fails_fast_unless_it_may_wait()
    {
        await using var h = new Harness();
        var refused = await Assert.ThrowsAsync<RpcUnavailableException>(() => ReadAll(h.Connection.StreamAsync((_, ctx) => Items(1, null, ctx.CancellationToken))));
        Assert.Equal(RpcUnavailableReason.Disconnected, refused.Reason);

        var waiting = ReadAll(h.Connection.StreamAsync((_, ctx) => Items(2, null, ctx.CancellationToken), new RpcCallOptions { WaitForConnection = TimeSpan.FromMinutes(1) }));
        await Eventually.True(() => h.Connection.WaitingCalls == 1, "the stream waits");
        await h.Connection.ConnectAsync();
        Assert.Equal([1, 2], await waiting);
        Assert.Throws<ArgumentNullException>(() => h.Connection.StreamAsync<int>(null!));
    }
}
