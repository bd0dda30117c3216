using System.Net;
using System.Net.Sockets;

namespace Corda.HighAvailability.Testing;

/// <summary>
/// A TCP forwarder on a loopback port that can be cut like a network partition: after <see cref="Cut"/> it
/// forwards nothing in either direction but keeps every socket open (a blackhole, so clients see hangs, not
/// resets), and refuses new connections. <see cref="BlackholeAfter"/> does the same to one connection only, at
/// the moment a given byte pattern has passed from the client to the server.
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
    private volatile Trigger? _trigger;

    public TcpProxy(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>
    /// Completes when the trigger armed by the latest <see cref="BlackholeAfter"/> fires: the chunk holding the
    /// pattern has been forwarded to the server and its connection is black-holed. Cancelled if the proxy is
    /// disposed first.
    /// </summary>
    public Task Triggered => (_trigger ?? throw new InvalidOperationException("BlackholeAfter was not called.")).Fired.Task;

    /// <summary>Stops forwarding without closing anything, and refuses new connections.</summary>
    public void Cut()
    {
        _cut = true;

        // A stopped listener makes the kernel answer new connections with a reset (refused).
        _listener.Stop();
    }

    /// <summary>
    /// Arms a one-shot trigger: the first connection on which the client sends <paramref name="pattern"/> (also
    /// when it is split across reads) still gets that chunk forwarded to the server in full, and from then on is
    /// black-holed in both directions like <see cref="Cut"/>: bytes are read and dropped, nothing is closed.
    /// Other connections, and new ones, keep working. Arming again replaces a trigger that has not fired yet.
    /// </summary>
    public void BlackholeAfter(ReadOnlySpan<byte> pattern)
    {
        if (pattern.IsEmpty)
        {
            throw new ArgumentException("The pattern is empty.", nameof(pattern));
        }

        var previous = Interlocked.Exchange(ref _trigger, new Trigger(pattern.ToArray()));
        if (previous is not null && previous.TryClaim())
        {
            previous.Fired.TrySetCanceled();
        }
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
        if (_trigger is { } trigger && trigger.TryClaim())
        {
            trigger.Fired.TrySetCanceled();
        }

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

            var connection = new Connection();
            lock (_clients)
            {
                _clients.Add(inbound);
                _clients.Add(outbound);
                _pumps.Add(PumpAsync(inbound.GetStream(), outbound.GetStream(), connection, toServer: true));
                _pumps.Add(PumpAsync(outbound.GetStream(), inbound.GetStream(), connection, toServer: false));
            }
        }
    }

    /// <summary>
    /// Copies one direction; once cut (the whole proxy or this connection), reads and drops everything so that
    /// nothing arrives and nothing closes.
    /// </summary>
    private async Task PumpAsync(NetworkStream from, NetworkStream to, Connection connection, bool toServer)
    {
        var buffer = new byte[16 * 1024];

        // Client to server only: the end of the previous chunk, so that a pattern split across reads is seen.
        var tail = Array.Empty<byte>();
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stopping.Token);
                if (read == 0)
                {
                    // The peer closed; pass the close on unless partitioned (a partition hides it too).
                    if (!_cut && !connection.Blackholed)
                    {
                        to.Socket.Shutdown(SocketShutdown.Send);
                    }

                    return;
                }

                if (_cut || connection.Blackholed)
                {
                    continue;
                }

                if (toServer && _trigger is { IsClaimed: false } trigger)
                {
                    if (Contains(tail, buffer.AsSpan(0, read), trigger.Pattern) && trigger.TryClaim())
                    {
                        // Blackhole before forwarding, so that not even the answer to this chunk gets back.
                        connection.Blackholed = true;
                        try
                        {
                            await to.WriteAsync(buffer.AsMemory(0, read), _stopping.Token);
                        }
                        finally
                        {
                            trigger.Fired.TrySetResult();
                        }

                        continue;
                    }

                    tail = KeepTail(tail, buffer.AsSpan(0, read), trigger.Pattern.Length - 1);
                }
                else
                {
                    tail = [];
                }

                await to.WriteAsync(buffer.AsMemory(0, read), _stopping.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Proxy disposed or a socket failed.
        }
    }

    /// <summary>Whether <paramref name="pattern"/> occurs in <paramref name="tail"/> followed by <paramref name="chunk"/>.</summary>
    private static bool Contains(byte[] tail, ReadOnlySpan<byte> chunk, byte[] pattern)
    {
        if (chunk.IndexOf(pattern) >= 0)
        {
            return true;
        }

        if (tail.Length == 0)
        {
            return false;
        }

        // Only matches that straddle the boundary are left: the tail plus the first pattern-length-1 bytes.
        var head = chunk[..Math.Min(chunk.Length, pattern.Length - 1)];
        var seam = new byte[tail.Length + head.Length];
        tail.CopyTo(seam, 0);
        head.CopyTo(seam.AsSpan(tail.Length));
        return seam.AsSpan().IndexOf(pattern) >= 0;
    }

    /// <summary>The last <paramref name="length"/> bytes of <paramref name="tail"/> followed by <paramref name="chunk"/>.</summary>
    private static byte[] KeepTail(byte[] tail, ReadOnlySpan<byte> chunk, int length)
    {
        if (chunk.Length >= length)
        {
            return chunk[^length..].ToArray();
        }

        var keptFromTail = Math.Min(tail.Length, length - chunk.Length);
        var kept = new byte[keptFromTail + chunk.Length];
        tail.AsSpan(tail.Length - keptFromTail).CopyTo(kept);
        chunk.CopyTo(kept.AsSpan(keptFromTail));
        return kept;
    }

    /// <summary>State shared by the two pumps of one proxied connection.</summary>
    private sealed class Connection
    {
        private volatile bool _blackholed;

        public bool Blackholed
        {
            get => _blackholed;
            set => _blackholed = value;
        }
    }

    /// <summary>One armed <see cref="BlackholeAfter"/>; claimed once, by the connection that fires it (or by disposal).</summary>
    private sealed class Trigger(byte[] pattern)
    {
        private int _claimed;

        public byte[] Pattern { get; } = pattern;

        public TaskCompletionSource Fired { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool IsClaimed => Volatile.Read(ref _claimed) != 0;

        public bool TryClaim() => Interlocked.CompareExchange(ref _claimed, 1, 0) == 0;
    }
}
