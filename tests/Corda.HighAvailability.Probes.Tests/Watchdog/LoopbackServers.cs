using System.Net;
using System.Net.Sockets;

namespace Corda.HighAvailability.Probes.Tests.Watchdog;

/// <summary>
/// A real TCP listener on loopback standing in for a broker's port: it accepts and drops connections, and can be
/// stopped (connections refused) and started again on the same port.
/// </summary>
internal sealed class LoopbackListener : IDisposable
{
    private TcpListener? _listener;
    private CancellationTokenSource? _stop;

    public LoopbackListener()
    {
        Start(0);
    }

    public int Port { get; private set; }

    public void Start() => Start(Port);

    public void Stop()
    {
        _stop?.Cancel();
        _listener?.Stop();
        _listener = null;
    }

    public void Dispose()
    {
        Stop();
        _stop?.Dispose();
    }

    private void Start(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _listener = listener;
        _stop?.Dispose();
        _stop = new CancellationTokenSource();
        _ = AcceptAsync(listener, _stop.Token);
    }

    private static async Task AcceptAsync(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var client = await listener.AcceptSocketAsync(stop);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }
}

/// <summary>
/// A real TCP echo server on loopback: what a work probe's round trip talks to in the tests, in place of a node's RPC.
/// It can answer late (<see cref="Delay"/>) and be stopped.
/// </summary>
internal sealed class EchoServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();

    public EchoServer()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync();
    }

    public int Port { get; }

    public TimeSpan Delay { get; set; }

    public void Stop()
    {
        _stop.Cancel();
        _listener.Stop();
    }

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = EchoAsync(client);
        }
    }

    private async Task EchoAsync(Socket client)
    {
        using (client)
        {
            var buffer = new byte[256];
            try
            {
                int read;
                while ((read = await client.ReceiveAsync(buffer, _stop.Token)) > 0)
                {
                    if (Delay > TimeSpan.Zero)
                    {
                        await Task.Delay(Delay, _stop.Token);
                    }

                    await client.SendAsync(buffer.AsMemory(0, read), _stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The client went away or the server stops.
            }
        }
    }
}
