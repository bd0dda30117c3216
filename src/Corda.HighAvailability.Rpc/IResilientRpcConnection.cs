using Corda.HighAvailability.Rpc.State;

namespace Corda.HighAvailability.Rpc;

/// <summary>
/// The client-type-free view of a <see cref="ResilientRpcConnection{TClient}"/>: its name, state and state changes,
/// for health checks, readiness endpoints and dashboards.
/// </summary>
public interface IResilientRpcConnection : IAsyncDisposable
{
    /// <summary>The connection's name (its options name with dependency injection).</summary>
    string Name { get; }

    /// <summary>The current state; a volatile read, cheap enough for every request.</summary>
    RpcConnectionState State { get; }

    /// <summary>
    /// Raised on every state change, on the connection's supervising loop: handlers must return quickly and must not
    /// throw (a slow handler delays reconnection; use <see cref="WatchAsync"/> for slow work).
    /// </summary>
    event EventHandler<RpcConnectionEvent>? StateChanged;

    /// <summary>
    /// The state changes from now on, as an async stream that ends when the connection closes for good. Each reader
    /// has its own buffer of <see cref="ResilientRpcOptions.EventBufferCapacity"/> events; a reader that falls behind
    /// loses the oldest events, never the newest, and never slows the connection. Read <see cref="State"/> for the
    /// state at the start.
    /// </summary>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The events.</returns>
    IAsyncEnumerable<RpcConnectionEvent> WatchAsync(CancellationToken cancellationToken = default);

    /// <summary>Starts connecting in the background, if not started yet; returns at once.</summary>
    void Start();

    /// <summary>
    /// Starts connecting if not started yet, and waits for the first connection. Throws
    /// <see cref="Calls.RpcUnavailableException"/> when the connection closes first (the initial connection failed, or
    /// the retry policy gave up).
    /// </summary>
    /// <param name="cancellationToken">Stops waiting (the connection keeps trying).</param>
    /// <returns>A task that completes once connected.</returns>
    Task ConnectAsync(CancellationToken cancellationToken = default);

    /// <summary>Closes the connection for good: waiting calls fail, the stream of events ends with Closed.</summary>
    /// <returns>A task that completes once closed.</returns>
    Task CloseAsync();
}
