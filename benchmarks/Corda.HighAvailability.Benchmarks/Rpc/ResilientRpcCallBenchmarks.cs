using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Corda.HighAvailability.Rpc;
using Corda.HighAvailability.Rpc.Calls;
using Corda.HighAvailability.Rpc.Transport;

namespace Corda.HighAvailability.Benchmarks.Rpc;

/// <summary>
/// What <see cref="ResilientRpcConnection{TClient}.InvokeAsync{T}"/> adds to a call on a healthy connection: the
/// same in-memory client called directly and through the wrapper, in the same run. Two kinds of call: one that
/// completes synchronously (the wrapper's pure overhead) and one whose reply completes after the call returned (what
/// every real RPC does: the wrapper then needs its own awaiting state machine). The reply is completed on the
/// benchmark's thread, so no thread-pool hop adds scheduler noise; nothing touches a network, so the figures are the
/// wrapper's cost alone.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ResilientRpcCallBenchmarks
{
    private static readonly RpcCallOptions Idempotent = new() { Idempotent = true, WaitForConnection = TimeSpan.FromSeconds(5) };

    private BenchClient _client = null!;
    private ResilientRpcConnection<BenchClient> _connection = null!;

    [GlobalSetup]
    public void Setup()
    {
        var transport = new BenchTransport();
        var options = new ResilientRpcOptions();
        options.Endpoints.Add(new RpcEndpoint("bench", new Uri("tcp://127.0.0.1:1")));
        _connection = new ResilientRpcConnection<BenchClient>("bench", transport, options);
        _connection.ConnectAsync().GetAwaiter().GetResult();
        _client = transport.Client;
    }

    [GlobalCleanup]
    public void Cleanup() => _connection.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, Description = "direct, completes synchronously")]
    [BenchmarkCategory("sync")]
    public int DirectCompleted() => _client.CompletedAsync(CancellationToken.None).Result;

    [Benchmark(Description = "wrapper, completes synchronously")]
    [BenchmarkCategory("sync")]
    public int WrapperCompleted() => _connection.InvokeAsync(static (c, ctx) => c.CompletedAsync(ctx.CancellationToken)).Result;

    // The reply completes after the call returned, on the same thread (no thread-pool hop, so no scheduler noise):
    // the wrapper must await it, as it awaits every real RPC.
    [Benchmark(Baseline = true, Description = "direct, completes later")]
    [BenchmarkCategory("async")]
    public int DirectPending()
    {
        var call = _client.PendingAsync(CancellationToken.None);
        _client.Reply(42);
        return call.Result;
    }

    [Benchmark(Description = "wrapper, completes later")]
    [BenchmarkCategory("async")]
    public int WrapperPending()
    {
        var call = _connection.InvokeAsync(static (c, ctx) => c.PendingAsync(ctx.CancellationToken));
        _client.Reply(42);
        return call.Result;
    }

    [Benchmark(Description = "wrapper, completes later, idempotent options")]
    [BenchmarkCategory("async")]
    public int WrapperPendingIdempotent()
    {
        var call = _connection.InvokeAsync(static (c, ctx) => c.PendingAsync(ctx.CancellationToken), Idempotent);
        _client.Reply(42);
        return call.Result;
    }

    [Benchmark(Description = "wrapper, completes later, generated request id read")]
    [BenchmarkCategory("async")]
    public int WrapperPendingWithRequestId()
    {
        var call = _connection.InvokeAsync(static (c, ctx) => c.PendingWithIdAsync(ctx.RequestId, ctx.CancellationToken));
        _client.Reply(42);
        return call.Result;
    }

    public sealed class BenchClient
    {
        private static readonly Task<int> Completed = Task.FromResult(42);
        private TaskCompletionSource<int>? _reply;

        public Task<int> CompletedAsync(CancellationToken cancellationToken) => Completed;

        /// <summary>A call whose reply comes later; continuations run inline when <see cref="Reply"/> completes it.</summary>
        public Task<int> PendingAsync(CancellationToken cancellationToken)
        {
            _reply = new TaskCompletionSource<int>();
            return _reply.Task;
        }

        public Task<int> PendingWithIdAsync(string requestId, CancellationToken cancellationToken)
        {
            LastRequestIdLength = requestId.Length;
            _reply = new TaskCompletionSource<int>();
            return _reply.Task;
        }

        public int LastRequestIdLength { get; private set; }

        public void Reply(int value) => _reply!.SetResult(value);
    }

    private sealed class BenchTransport : IRpcTransport<BenchClient>
    {
        public BenchClient Client { get; } = new();

        public ValueTask<IRpcTransportConnection<BenchClient>> ConnectAsync(RpcEndpoint endpoint, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IRpcTransportConnection<BenchClient>>(new Connection(Client));

        public RpcFailureKind Classify(Exception exception) => RpcFailureKind.NotConnectionFailure;

        private sealed class Connection(BenchClient client) : IRpcTransportConnection<BenchClient>
        {
            private readonly TaskCompletionSource<Exception?> _closed = new();

            public BenchClient Client => client;

            public Task<Exception?> Closed => _closed.Task;

            public ValueTask DisposeAsync()
            {
                _closed.TrySetResult(null);
                return ValueTask.CompletedTask;
            }
        }
    }
}
