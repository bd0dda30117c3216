using Corda.HighAvailability.Rpc.Transport;
using Grpc.Core;
using Grpc.Net.Client;

namespace Corda.HighAvailability.Rpc.Grpc.Tls;

/// <summary>
/// The first exchange on an <c>https://</c> channel. A channel is Ready once its TCP connection is up; the TLS handshake
/// only happens with the first request. This call to a method no server has makes it happen inside the connect
/// attempt, so that a certificate problem fails the attempt (the request never reached the server), with the reason,
/// rather than the application's first call. Any answer from the server (Unimplemented, as a rule) proves TLS and
/// HTTP/2 work; the HTTP/2 connection it set up is the one later calls use.
/// </summary>
internal static class HandshakeCall
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(static b => b, static b => b);

    private static readonly Method<byte[], byte[]> Method = new(MethodType.Unary, "corda.ha.ConnectionCheck", "Handshake", Bytes, Bytes);

    public static async Task RunAsync(GrpcChannel channel, RpcEndpoint endpoint, TlsHandshakeObserver observer, CancellationToken cancellationToken)
    {
        try
        {
            using var call = channel.CreateCallInvoker().AsyncUnaryCall(Method, null, new CallOptions(cancellationToken: cancellationToken), []);
            await call.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException e) when (e.Status.DebugException is null)
        {
            // A status sent by the server (no local exception behind it): the server was reached over TLS.
        }
        catch (RpcException e)
        {
            throw (Exception?)observer.Explain(endpoint.ToString(), e)
                ?? new IOException($"Could not connect to {endpoint}: the first exchange failed with {e.StatusCode}: {e.Status.Detail}", e);
        }
    }
}
