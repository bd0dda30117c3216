using Corda.HighAvailability.Diagnostics;
using Corda.HighAvailability.Rpc.Retry;
using Corda.HighAvailability.Rpc.State;
using Corda.HighAvailability.Rpc.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Corda.HighAvailability.Rpc.Tests.Infrastructure;

/// <summary>A connection over <see cref="FakeTransport"/> on a <see cref="FakeTimeProvider"/>, recording every event.</summary>
public sealed class Harness : IAsyncDisposable
{
    private readonly List<RpcConnectionEvent> _events = [];

    public Harness(Action<ResilientRpcOptions>? configure = null, string[]? endpoints = null, CordaHaInstrumentation? instrumentation = null, ILogger? logger = null)
    {
        Options = new ResilientRpcOptions
        {
            // Deterministic delays: 1 s, 2 s, 4 s ... (the first attempt of an outage at once).
            ReconnectPolicy = new ExponentialBackoffRetryPolicy(TimeSpan.FromSeconds(1), 2, 0, TimeSpan.FromSeconds(30)),
        };
        foreach (var name in endpoints ?? ["a", "b"])
        {
            Options.Endpoints.Add(new RpcEndpoint(name, new Uri($"tcp://{name}.example:10003")));
        }

        configure?.Invoke(Options);
        Connection = new ResilientRpcConnection<FakeClient>("test", Transport, Options, Time, logger, instrumentation);
        Connection.StateChanged += (_, e) =>
        {
            lock (_events)
            {
                _events.Add(e);
            }
        };
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

    public FakeTransport Transport { get; } = new();

    public ResilientRpcOptions Options { get; }

    public ResilientRpcConnection<FakeClient> Connection { get; }

    public IReadOnlyList<RpcConnectionEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public IReadOnlyList<RpcConnectionEventKind> Kinds => Events.Select(e => e.Kind).ToList();

    public Task WaitForStatus(RpcConnectionStatus status) =>
        Eventually.True(() => Connection.State.Status == status, $"state {status} (now {Connection.State.Status})");

    public Task WaitForEvents(int count) => Eventually.True(() => Events.Count >= count, $"{count} events (have {string.Join(", ", Kinds)})");

    /// <summary>Connects, then drops the current connection and waits until the loss has been handled.</summary>
    public async Task<FakeConnection> ConnectAndDropAsync()
    {
        await Connection.ConnectAsync();
        var first = Transport.Current!;
        first.Drop();
        await Eventually.True(() => Connection.State.Status is RpcConnectionStatus.Reconnecting or RpcConnectionStatus.Connected && Connection.State.HasConnected && Kinds.Contains(RpcConnectionEventKind.Disconnected), "loss handled");
        return first;
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
