using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Corda.HighAvailability.Rpc.Grpc;

/// <summary>
/// Turns the cancellation of an in-flight unary call by the disposal of its channel into <c>Unavailable</c>. The
/// resilient connection disposes a connection as soon as it is known dead; a call still in flight then sees an
/// <see cref="OperationCanceledException"/> the caller never asked for, which would pass through as an application
/// outcome. As <c>Unavailable</c> it is a connection lost after send: the caller is told the request may have run.
/// Server streams are translated too (<see cref="ClosedChannelStreamReader{T}"/>); client and duplex streams are not.
/// </summary>
internal sealed class ClosedChannelInterceptor(Func<bool> closedByUs) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        var call = continuation(request, context);
        return new AsyncUnaryCall<TResponse>(
            Translate(call.ResponseAsync, context.Options.CancellationToken),
            call.ResponseHeadersAsync,
            call.GetStatus,
            call.GetTrailers,
            call.Dispose);
    }

    /// <summary>The same for a server stream being read when its channel is disposed.</summary>
    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        var call = continuation(request, context);
        return new AsyncServerStreamingCall<TResponse>(
            new ClosedChannelStreamReader<TResponse>(call.ResponseStream, closedByUs, context.Options.CancellationToken),
            call.ResponseHeadersAsync,
            call.GetStatus,
            call.GetTrailers,
            call.Dispose);
    }

    private async Task<TResponse> Translate<TResponse>(Task<TResponse> response, CancellationToken callerToken)
    {
        try
        {
            return await response.ConfigureAwait(false);
        }
        catch (Exception e) when (closedByUs() && !callerToken.IsCancellationRequested && e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "The connection was closed while the call was in flight.", e));
        }
    }
}
