using System.Net.Sockets;
using Amqp;
using Corda.HighAvailability.Probes.Tcp;

namespace Corda.HighAvailability.Artemis.Amqp;

/// <summary>What an AMQP failure means for an operator. Messages show the address as scheme://host:port only.</summary>
internal static class AmqpProbeFailures
{
    /// <summary>A short code for the data: the AMQP error condition, the socket error, or the exception's type.</summary>
    public static string Code(Exception e) => e switch
    {
        AmqpException { Error.Condition: { } condition } => condition.ToString(),
        SocketException s => s.SocketErrorCode.ToString(),
        _ when e.InnerException is SocketException inner => inner.SocketErrorCode.ToString(),
        _ => e.GetType().Name,
    };

    public static string Explain(AmqpEndpoint endpoint, string stage, Exception e)
    {
        var where = endpoint.Display;
        if ((e as SocketException ?? e.InnerException as SocketException) is { } socket)
        {
            return TcpProbeHealthCheck.Explain($"{endpoint.Host}:{endpoint.Port}", endpoint.Host, socket)
                   + (socket.SocketErrorCode == SocketError.ConnectionRefused ? $" (AMQP probe of {where})" : string.Empty);
        }

        if (e is AmqpException amqp)
        {
            var condition = amqp.Error?.Condition?.ToString() ?? "unknown";
            var said = string.IsNullOrWhiteSpace(amqp.Error?.Description) ? condition : $"{condition}: {amqp.Error!.Description}";
            return condition switch
            {
                "amqp:unauthorized-access" =>
                    $"The broker at {where} refused the probe's credentials or their rights ({said}) while {stage}: check the user and password of the AMQP probe (not shown here) and the user's permissions.",
                "amqp:not-found" =>
                    $"The broker at {where} has no such address ({said}) while {stage}: create the queue or fix AmqpProbeOptions.RoundTripAddress.",
                "amqp:resource-limit-exceeded" =>
                    $"The broker at {where} is out of a resource ({said}) while {stage}: it may be blocking producers (memory or disk alarm) or at its connection limit.",
                "amqp:connection:forced" =>
                    $"The connection to {where} was closed ({said}) while {stage}: the broker shut down or crashed, an operator closed the connection, or the network dropped it.",
                _ => $"The broker at {where} failed the probe while {stage} ({said}).",
            };
        }

        return e switch
        {
            System.Security.Authentication.AuthenticationException =>
                $"The TLS handshake with {where} failed ({e.Message}): the broker's certificate is not trusted by this host or not valid for '{endpoint.Host}', " +
                "or no TLS version is shared. Trust its CA in the system store (AllowUntrustedCertificate is for labs only); the TLS probe reports the certificate's details.",
            TimeoutException => $"The probe message sent to the round trip address did not come back from {where}: another consumer takes it, or the broker does not deliver.",
            IOException or ObjectDisposedException or OperationCanceledException =>
                $"The connection to {where} broke while {stage} ({e.GetType().Name}): the broker went down or the network dropped it.",
            _ => $"The AMQP probe of {where} failed while {stage}: {e.GetType().Name}: {e.Message}",
        };
    }
}
