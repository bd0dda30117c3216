using Grpc.Core;

namespace Corda.HighAvailability.Rpc.Grpc;

/// <summary>
/// A server stream's reader that turns its cancellation by the disposal of its channel (the connection was found dead
/// while the stream was read) into <c>Unavailable</c>: the reader learns that the connection was lost, not that
/// someone cancelled (nor, for a read after the disposal, that an object was disposed: a call on a disposed channel
/// counts as never sent, which a stream already being read is not). The caller's own cancellation, through the call's token or the read's, stays a cancellation.
/// </summary>
internal sealed class ClosedChannelStreamReader<T>(IAsyncStreamReader<T> inner, Func<bool> closedByUs, CancellationToken callerToken) : IAsyncStreamReader<T>
{
    public T Current => inner.Current;

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        try
        {
            return await inner.MoveNext(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (closedByUs() && !callerToken.IsCancellationRequested && !cancellationToken.IsCancellationRequested
                                  && e is OperationCanceledException or ObjectDisposedException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "The connection was closed while the stream was being read.", e));
        }
    }
}
