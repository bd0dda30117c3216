using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Corda.HighAvailability.IntegrationTests.Infrastructure;

/// <summary>The partitioning proxy itself, against a loopback echo server: black-holing one connection on a pattern.</summary>
public sealed class TcpProxyTests
{
    private static readonly TimeSpan Eventually = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BlackholeAfter_forwards_the_pattern_then_hangs_that_connection_while_new_ones_still_work()
    {
        await using var echo = new EchoServer();
        await using var proxy = new TcpProxy(echo.EndPoint);
        proxy.BlackholeAfter("FOR SHARE"u8);

        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, proxy.Port, Ct);
        var stream = client.GetStream();
        await SendAsync(stream, "hello");
        Assert.Equal("hello", await ReceiveAsync(stream, "hello".Length));

        // The pattern split over two writes; waiting for the first half's echo makes it a read of its own.
        await SendAsync(stream, "xx FOR SH");
        Assert.Equal("xx FOR SH", await ReceiveAsync(stream, "xx FOR SH".Length));
        Assert.False(proxy.Triggered.IsCompleted);
        await SendAsync(stream, "ARE yy");

        // The chunk that completed the pattern still reached the server in full...
        await WaitUntilAsync(() => echo.ReceivedBy(0) == "helloxx FOR SHARE yy", () => $"the server got \"{echo.ReceivedBy(0)}\"");

        // ...but its echo does not come back, and the connection neither closes nor resets: the read just hangs.
        using (var quiet = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            quiet.CancelAfter(TimeSpan.FromMilliseconds(500));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await stream.ReadAtLeastAsync(new byte[64], 1, throwOnEndOfStream: false, quiet.Token));
        }

        Assert.True(proxy.Triggered.IsCompletedSuccessfully);

        // A new connection through the same proxy is not affected.
        using var other = new TcpClient();
        await other.ConnectAsync(IPAddress.Loopback, proxy.Port, Ct);
        var otherStream = other.GetStream();
        await SendAsync(otherStream, "still there");
        Assert.Equal("still there", await ReceiveAsync(otherStream, "still there".Length));
        Assert.Equal("still there", echo.ReceivedBy(1));
    }

    private static async Task SendAsync(NetworkStream stream, string text) =>
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text), Ct);

    private static async Task<string> ReceiveAsync(NetworkStream stream, int length)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(Eventually);
        var buffer = new byte[length];
        await stream.ReadExactlyAsync(buffer, timeout.Token);
        return Encoding.ASCII.GetString(buffer);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Func<string> failure)
    {
        var deadline = DateTime.UtcNow + Eventually;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure());
            await Task.Delay(10, Ct);
        }
    }

    /// <summary>Echoes every byte back and records, per connection in accept order, what it received.</summary>
    private sealed class EchoServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stopping = new();
        private readonly List<TcpClient> _clients = [];
        private readonly List<StringBuilder> _received = [];
        private readonly List<Task> _handlers = [];
        private readonly Task _acceptLoop;

        public EchoServer()
        {
            _listener.Start();
            EndPoint = (IPEndPoint)_listener.LocalEndpoint;
            _acceptLoop = AcceptAsync();
        }

        public IPEndPoint EndPoint { get; }

        public string ReceivedBy(int connection)
        {
            lock (_clients)
            {
                if (connection >= _received.Count)
                {
                    return string.Empty;
                }

                lock (_received[connection])
                {
                    return _received[connection].ToString();
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stopping.CancelAsync();
            _listener.Stop();
            await _acceptLoop;
            Task[] handlers;
            lock (_clients)
            {
                foreach (var client in _clients)
                {
                    client.Dispose();
                }

                handlers = [.. _handlers];
            }

            await Task.WhenAll(handlers);
            _stopping.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (true)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stopping.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                var received = new StringBuilder();
                lock (_clients)
                {
                    _clients.Add(client);
                    _received.Add(received);
                    _handlers.Add(EchoAsync(client.GetStream(), received));
                }
            }
        }

        private async Task EchoAsync(NetworkStream stream, StringBuilder received)
        {
            var buffer = new byte[1024];
            try
            {
                int read;
                while ((read = await stream.ReadAsync(buffer, _stopping.Token)) > 0)
                {
                    lock (received)
                    {
                        received.Append(Encoding.ASCII.GetString(buffer, 0, read));
                    }

                    await stream.WriteAsync(buffer.AsMemory(0, read), _stopping.Token);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // Stopped, or the proxy went away.
            }
        }
    }
}
