using System.Net.Sockets;
using Amqp.Handler;

namespace Corda.HighAvailability.Artemis.Amqp;

/// <summary>
/// Keeps the socket AMQPNetLite connects, so that an open the probe gave up on can be aborted: the library's open does
/// not stop waiting for a broker that accepted the TCP connection but never answers the AMQP header (a hung broker),
/// and would otherwise hold the socket until the broker closes it.
/// </summary>
internal sealed class SocketCapture : IHandler
{
    private Socket? _socket;

    public bool CanHandle(EventId id) => id == EventId.SocketConnect;

    public void Handle(Event protocolEvent)
    {
        if (protocolEvent.Context is Socket socket)
        {
            Volatile.Write(ref _socket, socket);
        }
    }

    /// <summary>Closes the socket, if one was connected: a pending open then fails instead of waiting forever.</summary>
    public void Abort() => Volatile.Read(ref _socket)?.Dispose();
}
