using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Corda.HighAvailability.Rpc;
using Corda.HighAvailability.Rpc.Calls;
using Corda.HighAvailability.Rpc.Transport;

namespace Corda.HighAvailability.Benchmarks.Rpc;

/// <summary>
/// What <see cref="ResilientRpcConnection{TClient}.InvokeAsync{T}"/> adds to a call on a healthy connection: the
/// same in-memory client called directly and through the wrapper, in the same run. Two kinds of call: one that
/// completes synchronously (the wrapper's pure overhead) and one that completes asynchronously after a yield (what
/// every real RPC does: the wrapper then needs its own awaiting state machine). Nothing in the measured loop touches
/// a network, so the figures are the wrapper's cost alone.
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
    public Task<int> DirectCompleted() => _client.CompletedAsync(CancellationToken.None);

    [Benchmark(Description = "wrapper, completes synchronously")]
    [BenchmarkCategory("sync")]
    public Task<int> WrapperCompleted() => _connection.InvokeAsync(static (c, ctx) => c.CompletedAsync(ctx.CancellationToken));

    [Benchmark(Baseline = true, Description = "direct, completes asynchronously")]
    [BenchmarkCategory("async")]
    public Task<int> DirectYielding() => _client.YieldingAsync(CancellationToken.None);

    [Benchmark(Description = "wrapper, completes asynchronously")]
    [BenchmarkCategory("async")]
    public Task<int> WrapperYielding() => _connection.InvokeAsync(static (c, ctx) => c.YieldingAsync(ctx.CancellationToken));

    [Benchmark(Description = "wrapper, async, idempotent options")]
    [BenchmarkCategory("async")]
    public Task<int> WrapperYieldingIdempotent() => _connection.InvokeAsync(static (c, ctx) => c.YieldingAsync(ctx.CancellationToken), Idempotent);

    [Benchmark(Description = "wrapper, async, request id read")]
    [BenchmarkCategory("async")]
    public Task<int> WrapperYieldingWithRequestId() => _connection.InvokeAsync(static (c, ctx) => c.YieldingWithIdAsync(ctx.RequestId, ctx.CancellationToken));

    public sealed class BenchClient
    {
        private static readonly Task<int> Completed = Task.FromResult(42);

        public Task<int> CompletedAsync(CancellationToken cancellationToken) => Completed;

        public async Task<int> YieldingAsync(CancellationToken cancellationToken)
        {
            await Task.Yield();
            return 42;
        }

        public async Task<int> YieldingWithIdAsync(string requestId, CancellationToken cancellationToken)
        {
            await Task.Yield();
            return requestId.Length;
        }
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
