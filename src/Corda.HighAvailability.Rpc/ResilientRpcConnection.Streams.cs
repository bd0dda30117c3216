using System.Runtime.CompilerServices;
using Corda.HighAvailability.Rpc.Calls;
using Corda.HighAvailability.Rpc.State;
using Corda.HighAvailability.Rpc.Transport;

namespace Corda.HighAvailability.Rpc;

/// <summary>Streaming calls: a feed read item by item, whose connection loss the caller hears of as such.</summary>
public sealed partial class ResilientRpcConnection<TClient>
{
    /// <summary>
    /// Makes a streaming call (a gRPC server stream, an event feed) on the current connection and yields its items.
    /// Without a connection it fails fast with <see cref="RpcUnavailableException"/>, or waits up to
    /// <see cref="RpcCallOptions.WaitForConnection"/>, as <c>InvokeAsync</c> does. When the connection is lost while
    /// the stream is read, the loss is reported (reconnection starts at once) and the enumeration fails with
    /// <see cref="RpcConnectionLostException"/> (not a cancellation); a stream is never retried, since its items were
    /// already handed out: resume it from a subscription hook (<see cref="AddSubscription"/>), which runs on the next
    /// connection and says that events may have been missed. Errors that are not connection failures, and the
    /// caller's own cancellation, pass through unchanged.
    /// </summary>
    /// <typeparam name="T">The stream's items.</typeparam>
    /// <param name="call">Opens the stream on the client with the context's cancellation token.</param>
    /// <param name="options">How the call behaves when disconnected; default <see cref="RpcCallOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the stream and any wait.</param>
    /// <returns>The stream's items.</returns>
    public IAsyncEnumerable<T> StreamAsync<T>(Func<TClient, RpcCallContext, IAsyncEnumerable<T>> call, RpcCallOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        return StreamCoreAsync(call, options ?? RpcCallOptions.Default, cancellationToken);
    }

    private async IAsyncEnumerable<T> StreamCoreAsync<T>(
        Func<TClient, RpcCallContext, IAsyncEnumerable<T>> call,
        RpcCallOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var sequence = Interlocked.Increment(ref _callSequence);
        cancellationToken.ThrowIfCancellationRequested();
        var live = _live;
        if (live is null || live.IsLost)
        {
            var budget = WaitBudget(options);
            if (budget <= TimeSpan.Zero)
            {
                var state = _state;
                throw Unavailable(state.Status == RpcConnectionStatus.Closed ? RpcUnavailableReason.Closed : RpcUnavailableReason.Disconnected, state);
            }

            live = await WaitForConnectionAsync(budget, null, cancellationToken).ConfigureAwait(false);
        }

        var context = new RpcCallContext(options.RequestId, _requestIdPrefix, sequence, 1, live.Endpoint, cancellationToken);
        IAsyncEnumerator<T> items;
        try
        {
            items = (call(live.Client, context) ?? throw new InvalidOperationException("The stream delegate returned no stream.")).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception e) when (IsConnectionFailure(e, cancellationToken, out var failure))
        {
            throw StreamLost(options, sequence, live, e, failure == RpcFailureKind.ConnectionLostAfterSend);
        }

        await using (items.ConfigureAwait(false))
        {
            var received = false;
            while (true)
            {
                bool more;
                try
                {
                    more = await items.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (IsConnectionFailure(e, cancellationToken, out var failure))
                {
                    // An item already received proves the request reached the server.
                    throw StreamLost(options, sequence, live, e, received || failure == RpcFailureKind.ConnectionLostAfterSend);
                }

                if (!more)
                {
                    yield break;
                }

                received = true;
                yield return items.Current;
            }
        }
    }

    private RpcConnectionLostException StreamLost(RpcCallOptions options, long sequence, Live live, Exception error, bool mayHaveReachedServer)
    {
        live.ReportLost(error);
        return Lost(options, sequence, mayHaveReachedServer, live.Endpoint, 1, error, null);
    }
}
