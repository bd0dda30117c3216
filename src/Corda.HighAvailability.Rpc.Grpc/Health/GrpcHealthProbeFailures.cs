using System.Net.Sockets;
using Corda.HighAvailability.Probes.Internal;
using Corda.HighAvailability.Probes.Tcp;
using Grpc.Core;

namespace Corda.HighAvailability.Rpc.Grpc.Health;

/// <summary>Turns a failed <c>Health/Check</c> call into an operator's reason and a short error code for the data.</summary>
internal static class GrpcHealthProbeFailures
{
    /// <summary>
    /// Whether the call failed on this side (no connection, TLS, a deadline): the channel is then dropped. A status
    /// the server sent (no local exception behind it) proves the connection works, and it is kept.
    /// </summary>
    public static bool IsTransportFailure(RpcException e) =>
        e.StatusCode == StatusCode.DeadlineExceeded || e.Status.DebugException is not null;

    public static (string Reason, string Code) Explain(Uri address, string display, string service, TimeSpan timeout, GrpcHealthProbeChannel channel, RpcException e)
    {
        if (e.StatusCode == StatusCode.DeadlineExceeded)
        {
            return ($"No answer from the gRPC health service at {display} within {ProbeReport.FormatTimeSpan(timeout)}: the server or its host is "
                    + "down, hung or overloaded, or a firewall drops the packets.", "DeadlineExceeded");
        }

        if (e.Status.DebugException is null)
        {
            return e.StatusCode switch
            {
                StatusCode.Unimplemented => ($"{display} answers, but the server offers no gRPC health service (grpc.health.v1.Health/Check is Unimplemented).", "Unimplemented"),
                StatusCode.NotFound => ($"The gRPC health service at {display} does not know the service '{service}' (NotFound).", "NotFound"),
                _ => ($"The gRPC health service at {display} answered {e.StatusCode}: {e.Status.Detail}", e.StatusCode.ToString()),
            };
        }

        if (channel.Observer?.Explain(display, e) is { } tls)
        {
            // The transport's words, with the option names this probe has (the same settings, by the same names).
            return (tls.Message.Replace(nameof(GrpcRpcTransportOptions) + ".", nameof(GrpcHealthProbeOptions) + ".", StringComparison.Ordinal), "Tls");
        }

        for (Exception? inner = e.Status.DebugException; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return (TcpProbeHealthCheck.Explain(GrpcHealthProbeOptions.HostPort(address), address.IdnHost, socket), socket.SocketErrorCode.ToString());
            }
        }

        var innermost = e.Status.DebugException;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        return ($"The gRPC health check of {display} failed with {e.StatusCode}: {innermost.GetType().Name}: {innermost.Message}", e.StatusCode.ToString());
    }
}
