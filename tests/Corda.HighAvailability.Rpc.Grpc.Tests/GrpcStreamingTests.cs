using System.Diagnostics;
using Corda.HighAvailability.Rpc.Calls;
using Corda.HighAvailability.Rpc.Retry;
using Corda.HighAvailability.Rpc.State;
using Corda.HighAvailability.Rpc.Subscriptions;
using Corda.HighAvailability.Rpc.Transport;
using Grpc.Core;

namespace Corda.HighAvailability.Rpc.Grpc.Tests;

/// <summary>
/// Server-streaming calls over real gRPC (the TestServer's numbered event feed) through the resilient connection:
/// a stream cut by SIGKILL fails as a lost connection, not a cancellation; a subscription hook re-establishes the feed
/// by itself after the restart, is told events may have been missed, and resumes from the last event seen.
/// </summary>
public sealed class GrpcStreamingTests(ITestOutputHelper output)
{
    private static ResilientRpcConnection<NodeClient> Connect(GrpcServerProcess server)
    {
        var options = new ResilientRpcOptions
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            ReconnectPolicy = new FixedDelaysRetryPolicy([TimeSpan.Zero, TimeSpan.FromMilliseconds(100)], repeatLast: true),
        };
        options.Endpoints.Add(new RpcEndpoint(server.Name, server.Address));
        var transport = new GrpcRpcTransport<NodeClient>(i => new NodeClient(i), new GrpcRpcTransportOptions { KeepAlivePingDelay = TimeSpan.FromSeconds(1), KeepAlivePingTimeout = TimeSpan.FromSeconds(1) });
        return new ResilientRpcConnection<NodeClient>("node-stream", transport, options);
    }

    [Fact]
    public async Task A_stream_being_read_when_the_server_is_killed_fails_with_connection_lost_and_the_callers_cancel_stays_a_cancel()
    {
        using var server = new GrpcServerProcess("node-a");
        await server.StartAsync();
        await using var connection = Connect(server);
        await connection.ConnectAsync();

        // The caller's own cancellation.
        using var cancel = new CancellationTokenSource();
        var read = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in connection.StreamAsync(static (c, ctx) => c.SubscribeEventsAsync(1, 10, ctx.CancellationToken), cancellationToken: cancel.Token))
            {
                if (++read == 3)
                {
                    await cancel.CancelAsync();
                }
            }
        });
        Assert.Equal(RpcConnectionStatus.Connected, connection.State.Status);

        // SIGKILL while the stream is read.
        var seen = new List<long>();
        var lost = await Assert.ThrowsAsync<RpcConnectionLostException>(async () =>
        {
            await foreach (var (_, sequence) in connection.StreamAsync(static (c, ctx) => c.SubscribeEventsAsync(1, 10, ctx.CancellationToken)))
            {
                seen.Add(sequence);
                if (seen.Count == 5)
                {
                    server.Kill();
                }
            }
        }).WaitAsync(TimeSpan.FromSeconds(30));
        output.WriteLine(lost.Message);
        Assert.True(lost.MayHaveReachedServer);
        Assert.Equal([1, 2, 3, 4, 5], seen.Take(5));
        await Eventually.True(() => connection.State.Status is RpcConnectionStatus.Reconnecting or RpcConnectionStatus.Disconnected, "the loss reported");

        // No connection: a new stream fails fast, not sent.
        var refused = await Assert.ThrowsAsync<RpcUnavailableException>(async () =>
        {
            await foreach (var _ in connection.StreamAsync(static (c, ctx) => c.SubscribeEventsAsync(1, 10, ctx.CancellationToken)))
            {
            }
        });
        Assert.NotEqual(RpcConnectionStatus.Connected, refused.State.Status);
    }

    [Fact]
    public async Task A_stream_being_read_when_its_connection_is_disposed_is_unavailable_not_a_cancellation()
    {
        using var server = new GrpcServerProcess("node-a");
        await server.StartAsync();
        var transport = new GrpcRpcTransport<NodeClient>(i => new NodeClient(i));
        var connection = await transport.ConnectAsync(new RpcEndpoint("node-a", server.Address), CancellationToken.None);
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var (_, sequence) in connection.Client.SubscribeEventsAsync(1, 10))
            {
                if (sequence == 3)
                {
                    // What the resilient connection does once it knows a connection is dead.
                    await connection.DisposeAsync();
                }
            }
        }).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(RpcFailureKind.ConnectionLostAfterSend, transport.Classify(error));
    }

    [Fact]
    public async Task A_subscription_over_a_server_stream_comes_back_by_itself_after_SIGKILL_says_events_may_be_missed_and_resumes_from_the_last_seen()
    {
        using var server = new GrpcServerProcess("node-a");
        await server.StartAsync();
        await using var connection = Connect(server);

        var feed = new ResumingFeed(connection);
        using var hook = connection.AddSubscription(feed.Resubscribe);
        await connection.ConnectAsync();
        await Eventually.True(() => feed.LastSeen >= 20, "events before the kill");

        server.Kill();
        var lastBefore = feed.LastSeen;
        await Eventually.True(() => feed.Losses > 0, "the stream learns the connection was lost");
        var restarted = Stopwatch.StartNew();
        await server.StartAsync();
        await Eventually.True(() => feed.LastSeen >= lastBefore + 20, "events after the restart, with no call from the test");
        output.WriteLine($"server restarted -> stream resumed past {lastBefore + 20}: {restarted.Elapsed.TotalMilliseconds:0} ms");

        var contexts = feed.Contexts;
        Assert.Equal(2, contexts.Count);
        Assert.False(contexts[0].MayHaveMissedEvents);
        Assert.True(contexts[1].MayHaveMissedEvents);
        Assert.True(contexts[1].Gap > TimeSpan.Zero);

        // Resumed from the last event seen: every sequence number once, in order, none missing.
        var received = feed.Received;
        Assert.Equal(Enumerable.Range(1, received.Count).Select(i => (long)i), received);
        Assert.Equal(1, feed.Losses);
        Assert.Empty(feed.OtherErrors);
    }

    /// <summary>
    /// The application side of an event feed: each run of the subscription hook (re)starts one reader from the first
    /// event not yet seen; readers end with the connection-lost exception when the connection dies.
    /// </summary>
    private sealed class ResumingFeed(ResilientRpcConnection<NodeClient> connection)
    {
        private readonly Lock _gate = new();
        private readonly List<long> _received = [];
        private readonly List<RpcResubscribeContext> _contexts = [];
        private readonly List<Exception> _otherErrors = [];
        private CancellationTokenSource? _reader;
        private long _lastSeen;
        private int _losses;

        public long LastSeen => Interlocked.Read(ref _lastSeen);

        public int Losses => Volatile.Read(ref _losses);

        public List<long> Received
        {
            get
            {
                lock (_gate)
                {
                    return [.. _received];
                }
            }
        }

        public List<RpcResubscribeContext> Contexts
        {
            get
            {
                lock (_gate)
                {
                    return [.. _contexts];
                }
            }
        }

        public List<Exception> OtherErrors
        {
            get
            {
                lock (_gate)
                {
                    return [.. _otherErrors];
                }
            }
        }

        public Task Resubscribe(NodeClient client, RpcResubscribeContext context, CancellationToken cancellationToken)
        {
            CancellationTokenSource reader;
            lock (_gate)
            {
                _contexts.Add(context);
                _reader?.Cancel();
                _reader = reader = new CancellationTokenSource();
            }

            // The hook returns at once: the stream lives as long as its connection, the hook only starts it.
            _ = ReadAsync(LastSeen + 1, reader.Token);
            return Task.CompletedTask;
        }

        private async Task ReadAsync(long from, CancellationToken cancellationToken)
        {
            try
            {
                await foreach (var (_, sequence) in connection.StreamAsync((c, ctx) => c.SubscribeEventsAsync(from, 10, ctx.CancellationToken), cancellationToken: cancellationToken))
                {
                    lock (_gate)
                    {
                        // De-duplicate what a resumed feed may replay.
                        if (sequence > _lastSeen)
                        {
                            _received.Add(sequence);
                            Interlocked.Exchange(ref _lastSeen, sequence);
                        }
                    }
                }
            }
            catch (RpcConnectionLostException)
            {
                Interlocked.Increment(ref _losses);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                lock (_gate)
                {
                    _otherErrors.Add(e);
                }
            }
        }
    }
}
