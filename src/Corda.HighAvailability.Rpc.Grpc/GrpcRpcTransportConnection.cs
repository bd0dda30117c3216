using Corda.HighAvailability.Rpc.Transport;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace Corda.HighAvailability.Rpc.Grpc;

/// <summary>
/// One <see cref="GrpcChannel"/> as a physical connection: dead once the channel leaves Ready, or once its health
/// watch (when there is one) fails, ends or reports anything but SERVING.
/// </summary>
internal sealed class GrpcRpcTransportConnection<TClient> : IRpcTransportConnection<TClient>
{
    private readonly GrpcChannel _channel;
    private readonly GrpcHealthWatch? _health;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<Exception?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private volatile bool _disposed;

    public GrpcRpcTransportConnection(GrpcChannel channel, Func<CallInvoker, TClient> clientFactory, GrpcHealthWatch? health)
    {
        _channel = channel;
        _health = health;
        Client = clientFactory(channel.Intercept(new ClosedChannelInterceptor(() => _disposed)));
        _ = WatchAsync();
        if (health is not null)
        {
            _ = WatchHealthAsync(health);
        }
    }

    public TClient Client { get; }

    public Task<Exception?> Closed => _closed.Task;

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        _closed.TrySetResult(null);
        _stop.Cancel();
        _health?.Dispose();
        _channel.Dispose();
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task WatchHealthAsync(GrpcHealthWatch health)
    {
        var reason = await health.Lost.ConfigureAwait(false);
        _closed.TrySetResult(_disposed ? null : reason);
    }

    // A channel re-connects by itself (Idle, Connecting, Ready again): the resilient connection must hear of the loss
    // instead, so any state other than Ready after Ready ends this connection.
    private async Task WatchAsync()
    {
        try
        {
            var state = _channel.State;
            while (state == ConnectivityState.Ready)
            {
                await _channel.WaitForStateChangedAsync(state, _stop.Token).ConfigureAwait(false);
                state = _channel.State;
            }

            _closed.TrySetResult(new IOException($"The gRPC channel to {_channel.Target} went from Ready to {state}."));
        }
        catch (OperationCanceledException)
        {
            _closed.TrySetResult(null);
        }
        catch (Exception e)
        {
            _closed.TrySetResult(e);
        }
    }
}
