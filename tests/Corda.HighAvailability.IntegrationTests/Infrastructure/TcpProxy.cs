using System.Net;
using System.Net.Sockets;

namespace Corda.HighAvailability.IntegrationTests.Infrastructure;

/// <summary>
/// A TCP forwarder on a loopback port that can be cut like a network partition: after <see cref="Cut"/> it
/// forwards nothing in either direction but keeps every socket open (a blackhole, so clients see hangs, not
/// resets), and refuses new connections.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<TcpClient> _clients = [];
    private readonly List<Task> _pumps = [];
    private readonly Task _acceptLoop;
    private volatile bool _cut;

    public TcpProxy(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>Stops forwarding without closing anything, and refuses new connections.</summary>
    public void Cut()
    {
        _cut = true;

        // A stopped listener makes the kernel answer new connections with a reset (refused).
        _listener.Stop();
    }

    public async ValueTask DisposeAsync()
    {
        _cut = true;
        await _stopping.CancelAsync();
        _listener.Stop();
        lock (_clients)
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }
        }

        try
        {
            await _acceptLoop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        Task[] pumps;
        lock (_clients)
        {
            pumps = [.. _pumps];
        }

        await Task.WhenAll(pumps);
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested && !_cut)
        {
            TcpClient inbound;
            try
            {
                inbound = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var outbound = new TcpClient();
            try
            {
                await outbound.ConnectAsync(_target, _stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                inbound.Dispose();
                outbound.Dispose();
                continue;
            }

            lock (_clients)
            {
                _clients.Add(inbound);
                _clients.Add(outbound);
                _pumps.Add(PumpAsync(inbound.GetStream(), outbound.GetStream()));
                _pumps.Add(PumpAsync(outbound.GetStream(), inbound.GetStream()));
            }
        }
    }

    /// <summary>Copies one direction; once cut, reads and drops everything so that nothing arrives and nothing closes.</summary>
    private async Task PumpAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stopping.Token);
                if (read == 0)
                {
                    // The peer closed; pass the close on unless partitioned (a partition hides it too).
                    if (!_cut)
                    {
                        to.Socket.Shutdown(SocketShutdown.Send);
                    }

                    return;
                }

                if (!_cut)
                {
                    await to.WriteAsync(buffer.AsMemory(0, read), _stopping.Token);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Proxy disposed or a socket failed.
        }
    }
}
