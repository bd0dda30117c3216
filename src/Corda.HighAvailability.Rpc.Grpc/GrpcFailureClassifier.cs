using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using Corda.HighAvailability.Rpc.Transport;
using Grpc.Core;

namespace Corda.HighAvailability.Rpc.Grpc;

/// <summary>Tells a lost gRPC connection from an application error, and whether the request can have left.</summary>
internal static class GrpcFailureClassifier
{
    public static RpcFailureKind Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            // A call on a channel already disposed (the connection died and was closed) never left this process.
            ObjectDisposedException => RpcFailureKind.ConnectionLostBeforeSend,
            // A failed TLS handshake: no HTTP request is written before it completes.
            AuthenticationException => RpcFailureKind.ConnectionLostBeforeSend,
            // Whatever the status (a failed TLS handshake comes as Internal), a connection never set up sent nothing.
            RpcException e when CouldNotConnect(e) => RpcFailureKind.ConnectionLostBeforeSend,
            RpcException { StatusCode: StatusCode.Unavailable } => RpcFailureKind.ConnectionLostAfterSend,
            // The caller's own deadline or cancellation is seen by the resilient connection through its token; a
            // Cancelled or DeadlineExceeded that the caller did not ask for may hide a request the server ran: say so.
            RpcException { StatusCode: StatusCode.Cancelled or StatusCode.DeadlineExceeded } => RpcFailureKind.ConnectionLostAfterSend,
            // Grpc.Net.Client reports a transport failure of a call in flight (an HTTP/2 keep-alive ping left
            // unanswered by a silent host, a protocol error) as Internal with the HTTP exception as its debug
            // exception; a server's own Internal status has none.
            RpcException { StatusCode: StatusCode.Internal } e when FailedInTransport(e) => CouldNotConnect(e) ? RpcFailureKind.ConnectionLostBeforeSend : RpcFailureKind.ConnectionLostAfterSend,
            RpcException => RpcFailureKind.NotConnectionFailure,
            HttpRequestException or IOException => RpcFailureKind.ConnectionLostAfterSend,
            _ => RpcFailureKind.NotConnectionFailure,
        };
    }

    private static bool FailedInTransport(RpcException exception)
    {
        for (var e = exception.Status.DebugException; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException or IOException or SocketException)
            {
                return true;
            }
        }

        return false;
    }

    // Only a failure to establish the connection (TCP, or the TLS handshake on top of it: SocketsHttpHandler writes no
    // request before the handshake completes) proves the request was never written; anything else (a reset
    // stream, a dropped connection mid-call, an unknown cause) may have reached the server.
    private static bool CouldNotConnect(RpcException exception)
    {
        for (var e = exception.Status.DebugException; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError })
            {
                return true;
            }

            if (e is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.TimedOut or SocketError.AddressNotAvailable })
            {
                return true;
            }
        }

        return false;
    }
}
