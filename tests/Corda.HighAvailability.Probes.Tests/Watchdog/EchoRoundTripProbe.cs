using System.Net.Sockets;
using System.Security.Cryptography;
using Corda.HighAvailability.Probes.Watchdog;

namespace Corda.HighAvailability.Probes.Tests.Watchdog;

/// <summary>Where the echo work probe connects.</summary>
internal sealed record EchoEndpoint(string Host, int Port);

/// <summary>
/// A user's work probe as the README shows it, doing real work: a round trip to a server (here a TCP echo server
/// standing in for "start a no-op flow through RPC and wait for its result"). Returning is success; throwing, or not
/// returning within the watchdog's probe timeout, is failure.
/// </summary>
internal sealed class EchoRoundTripProbe(EchoEndpoint endpoint) : IWorkProbe
{
    public async ValueTask ProbeAsync(CancellationToken cancellationToken)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endpoint.Host, endpoint.Port, cancellationToken);
        var sent = RandomNumberGenerator.GetBytes(32);
        await socket.SendAsync(sent, cancellationToken);
        var received = new byte[sent.Length];
        var total = 0;
        while (total < received.Length)
        {
            var read = await socket.ReceiveAsync(received.AsMemory(total), cancellationToken);
            if (read == 0)
            {
                throw new IOException($"The server closed the connection after {total} of {sent.Length} bytes.");
            }

            total += read;
        }

        if (!sent.AsSpan().SequenceEqual(received))
        {
            throw new InvalidDataException("The echo did not match what was sent.");
        }
    }
}
