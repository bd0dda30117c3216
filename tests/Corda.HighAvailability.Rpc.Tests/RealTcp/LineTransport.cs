using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Corda.HighAvailability.Rpc.Transport;

namespace Corda.HighAvailability.Rpc.Tests.RealTcp;

/// <summary>The line transport's connection failure; <see cref="Sent"/> says whether the request had been written.</summary>
public sealed class LineConnectionException(string message, bool sent, Exception? inner = null) : IOException(message, inner)
{
    public bool Sent { get; } = sent;
}

/// <summary>An <c>ERR</c> reply: the server's answer, not a connection failure.</summary>
public sealed class LineServerException(string message) : Exception(message);

/// <summary>A real transport over TCP: one socket per connection, proven with a PING round trip before use.</summary>
public sealed class LineTransport : IRpcTransport<LineClient>
{
    public async ValueTask<IRpcTransportConnection<LineClient>> ConnectAsync(RpcEndpoint endpoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint.Address!.Host, endpoint.Address.Port, cancellationToken);
            var connection = new LineConnection(socket);
            var pong = await connection.Client.CallAsync("connect", "PING", string.Empty, cancellationToken);
            if (pong != "pong")
            {
                throw new IOException($"Unexpected handshake reply '{pong}'.");
            }

            return connection;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public RpcFailureKind Classify(Exception exception) => exception switch
    {
        LineConnectionException { Sent: false } => RpcFailureKind.ConnectionLostBeforeSend,
        LineConnectionException or IOException or SocketException or ObjectDisposedException => RpcFailureKind.ConnectionLostAfterSend,
        _ => RpcFailureKind.NotConnectionFailure,
    };
}

public sealed class LineConnection : IRpcTransportConnection<LineClient>
{
    private readonly TaskCompletionSource<Exception?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    public LineConnection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Client = new LineClient(_stream, _closed);
        _ = ReadAsync();
    }

    public LineClient Client { get; }

    public Task<Exception?> Closed => _closed.Task;

    public ValueTask DisposeAsync()
    {
        _closed.TrySetResult(null);
        Client.Fail(new LineConnectionException("connection disposed", sent: true));
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task ReadAsync()
    {
        Exception? error = null;
        try
        {
            using var reader = new StreamReader(_stream, Encoding.UTF8, leaveOpen: true);
            while (await reader.ReadLineAsync() is { } line)
            {
                Client.Complete(line);
            }

            error = new LineConnectionException("the server closed the connection", sent: true);
        }
        catch (Exception e)
        {
            error = new LineConnectionException($"connection lost: {e.Message}", sent: true, e);
        }

        // Closed first, then the pending calls (which may have been executed: their replies are lost); a call that
        // registers in between sees Closed after its write and fails itself.
        _closed.TrySetResult(error);
        Client.Fail((LineConnectionException)error);
    }
}

public sealed class LineClient
{
    private readonly NetworkStream _stream;
    private readonly TaskCompletionSource<Exception?> _closed;
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly ConcurrentDictionary<long, TaskCompletionSource<string>> _pending = new();
    private long _nextId;

    internal LineClient(NetworkStream stream, TaskCompletionSource<Exception?> closed)
    {
        _stream = stream;
        _closed = closed;
    }

    public async Task<string> CallAsync(string requestId, string command, string argument, CancellationToken cancellationToken = default)
    {
        if (_closed.Task.IsCompleted)
        {
            throw new LineConnectionException("not connected", sent: false);
        }

        var id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        var bytes = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{id} {requestId} {command} {argument}\n"));
        await _write.WaitAsync(cancellationToken);
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            _pending.TryRemove(id, out _);
            throw new LineConnectionException($"write failed: {e.Message}", sent: false, e);
        }
        finally
        {
            _write.Release();
        }

        if (_closed.Task.IsCompleted && _pending.TryRemove(id, out _))
        {
            // The reader ended while this request was being written: its reply can never come.
            throw new LineConnectionException("connection lost after the write", sent: true);
        }

        using var registration = cancellationToken.Register(() =>
        {
            if (_pending.TryRemove(id, out var r))
            {
                r.TrySetCanceled(cancellationToken);
            }
        });
        var line = await reply.Task;
        return line.StartsWith("OK ", StringComparison.Ordinal) ? line[3..] : throw new LineServerException(line);
    }

    internal void Complete(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        if (space > 0 && long.TryParse(line.AsSpan(0, space), CultureInfo.InvariantCulture, out var id) && _pending.TryRemove(id, out var reply))
        {
            reply.TrySetResult(line[(space + 1)..]);
        }
    }

    internal void Fail(LineConnectionException error)
    {
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var reply))
            {
                reply.TrySetException(error);
            }
        }
    }
}
