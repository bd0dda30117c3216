using System.Collections.Concurrent;
using System.Net.Sockets;
using Corda.HighAvailability.Rpc.Transport;

namespace Corda.HighAvailability.Rpc.Tests.Infrastructure;

/// <summary>The in-memory transport's loss: <see cref="Sent"/> says whether the request had left.</summary>
public sealed class FakeConnectionLostException(string message, bool sent) : IOException(message)
{
    public bool Sent { get; } = sent;
}

/// <summary>
/// An in-memory transport for the pure-logic tests: endpoints are up or down, connections can be dropped, and the
/// "server" side records every request it executed (by request id), so that double execution is visible.
/// </summary>
public sealed class FakeTransport : IRpcTransport<FakeClient>
{
    private readonly ConcurrentDictionary<string, bool> _down = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private readonly List<FakeConnection> _connections = [];

    public ConcurrentQueue<(string Endpoint, string RequestId, string Payload)> Executed { get; } = new();

    public ConcurrentQueue<string> ConnectAttempts { get; } = new();

    /// <summary>When set, connection attempts wait for this task (a slow server), then proceed.</summary>
    public Task? ConnectGate { get; set; }

    public IReadOnlyList<FakeConnection> Connections
    {
        get
        {
            lock (_gate)
            {
                return [.. _connections];
            }
        }
    }

    public FakeConnection? Current => Connections.LastOrDefault(c => !c.Closed.IsCompleted);

    public void SetDown(string endpoint, bool down = true) => _down[endpoint] = down;

    public async ValueTask<IRpcTransportConnection<FakeClient>> ConnectAsync(RpcEndpoint endpoint, CancellationToken cancellationToken)
    {
        ConnectAttempts.Enqueue(endpoint.Name);
        if (ConnectGate is { } gate)
        {
            await gate.WaitAsync(cancellationToken);
        }

        if (_down.TryGetValue(endpoint.Name, out var down) && down)
        {
            throw new SocketException((int)SocketError.ConnectionRefused);
        }

        var connection = new FakeConnection(this, endpoint.Name);
        lock (_gate)
        {
            _connections.Add(connection);
        }

        return connection;
    }

    public RpcFailureKind Classify(Exception exception) => exception switch
    {
        FakeConnectionLostException { Sent: true } => RpcFailureKind.ConnectionLostAfterSend,
        FakeConnectionLostException => RpcFailureKind.ConnectionLostBeforeSend,
        _ => RpcFailureKind.NotConnectionFailure,
    };
}

public sealed class FakeConnection : IRpcTransportConnection<FakeClient>
{
    private readonly TaskCompletionSource<Exception?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FakeConnection(FakeTransport transport, string endpoint)
    {
        Endpoint = endpoint;
        Client = new FakeClient(transport, this);
    }

    public string Endpoint { get; }

    public FakeClient Client { get; }

    public Task<Exception?> Closed => _closed.Task;

    public bool Disposed { get; private set; }

    /// <summary>The server goes away: pending calls fail as "may have been sent", later calls as "not sent".</summary>
    public void Drop(string reason = "connection reset by peer")
    {
        var error = new FakeConnectionLostException(reason, sent: true);
        Client.FailPending(error);
        _closed.TrySetResult(error);
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        Client.FailPending(new FakeConnectionLostException("disposed", sent: true));
        _closed.TrySetResult(null);
        return ValueTask.CompletedTask;
    }
}

public sealed class FakeClient(FakeTransport transport, FakeConnection connection)
{
    private readonly ConcurrentDictionary<TaskCompletionSource<string>, bool> _pending = new();

    /// <summary>When true, requests are executed but their replies held until the connection drops (or <see cref="ReleaseHeld"/>).</summary>
    public bool HoldReplies { get; set; }

    public int PendingCount => _pending.Count;

    public Task<string> CallAsync(string requestId, string payload, CancellationToken cancellationToken = default)
    {
        if (connection.Closed.IsCompleted)
        {
            return Task.FromException<string>(new FakeConnectionLostException("not connected", sent: false));
        }

        if (payload.StartsWith("fail:", StringComparison.Ordinal))
        {
            return Task.FromException<string>(new InvalidOperationException("server says " + payload[5..]));
        }

        transport.Executed.Enqueue((connection.Endpoint, requestId, payload));
        if (!HoldReplies)
        {
            return Task.FromResult($"{connection.Endpoint}:{payload}");
        }

        var reply = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[reply] = true;
        cancellationToken.Register(() =>
        {
            if (_pending.TryRemove(reply, out _))
            {
                reply.TrySetCanceled(cancellationToken);
            }
        });
        return reply.Task;
    }

    public void ReleaseHeld()
    {
        foreach (var reply in _pending.Keys)
        {
            if (_pending.TryRemove(reply, out _))
            {
                reply.TrySetResult($"{connection.Endpoint}:released");
            }
        }
    }

    internal void FailPending(Exception error)
    {
        foreach (var reply in _pending.Keys)
        {
            if (_pending.TryRemove(reply, out _))
            {
                reply.TrySetException(error);
            }
        }
    }
}
