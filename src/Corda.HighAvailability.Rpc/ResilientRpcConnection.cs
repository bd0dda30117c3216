using Corda.HighAvailability.Diagnostics;
using Corda.HighAvailability.Rpc.Calls;
using Corda.HighAvailability.Rpc.Endpoints;
using Corda.HighAvailability.Rpc.Internal;
using Corda.HighAvailability.Rpc.Retry;
using Corda.HighAvailability.Rpc.State;
using Corda.HighAvailability.Rpc.Subscriptions;
using Corda.HighAvailability.Rpc.Telemetry;
using Corda.HighAvailability.Rpc.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Rpc;

/// <summary>
/// One logical RPC connection held across many physical ones: it connects through a user-supplied
/// <see cref="IRpcTransport{TClient}"/>, notices when the connection dies, and reconnects under a retry policy,
/// failing over between endpoints, while it tells the application at once what is happening (<see cref="State"/>,
/// <see cref="StateChanged"/>, <see cref="WatchAsync"/>). Calls (<c>InvokeAsync</c>) fail fast or wait a bounded
/// time when there is no connection, and are retried after a connection loss only when that cannot run them twice
/// (idempotent, or carrying a request id the server de-duplicates). Thread-safe.
/// </summary>
/// <typeparam name="TClient">The client object calls are made on.</typeparam>
public sealed partial class ResilientRpcConnection<TClient> : IResilientRpcConnection, IDisposable
{
    private readonly IRpcTransport<TClient> _transport;
    private readonly RpcEndpoint[] _endpoints;
    private readonly IRpcRetryPolicy _policy;
    private readonly IRpcEndpointSelector _selector;
    private readonly bool _retryInitialConnection;
    private readonly TimeSpan _connectTimeout;
    private readonly TimeSpan _defaultWait;
    private readonly int _maxWaiting;
    private readonly int _maxCallAttempts;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RpcMetrics? _metrics;
    private readonly IDisposable? _tracking;
    private readonly EventBroadcaster _events;
    private readonly SubscriptionSet<TClient> _subscriptions = new();
    private readonly string _requestIdPrefix = Guid.NewGuid().ToString("N")[..12];
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<bool> _firstOutcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _lifecycle = new();
    private Task _supervisor = Task.CompletedTask;
    private Task? _closing;
    private bool _started;
    private volatile Live? _live;
    private volatile TaskCompletionSource<Live?> _connectedSignal = NewSignal();
    private volatile RpcConnectionState _state = RpcConnectionState.NotStarted;
    private long _callSequence;
    private long _generation;
    private int _waiting;
    private int _closed;

    /// <summary>Creates the connection; it connects on <see cref="Start"/> or <see cref="ConnectAsync"/>.</summary>
    /// <param name="name">A name for logs, metrics and health data.</param>
    /// <param name="transport">Opens physical connections and classifies call failures.</param>
    /// <param name="options">Endpoints and policies; validated here.</param>
    /// <param name="timeProvider">The clock for delays, timeouts and timestamps; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">Where to log; default none.</param>
    /// <param name="instrumentation">Where to report metrics and activities; default none.</param>
    /// <exception cref="OptionsValidationException">The options are not usable; the message names the option.</exception>
    public ResilientRpcConnection(
        string name,
        IRpcTransport<TClient> transport,
        ResilientRpcOptions options,
        TimeProvider? timeProvider = null,
        ILogger? logger = null,
        CordaHaInstrumentation? instrumentation = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(options);
        var validation = new ResilientRpcOptionsValidator().Validate(name, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(name, typeof(ResilientRpcOptions), validation.Failures);
        }

        Name = name;
        _transport = transport;
        _endpoints = [.. options.Endpoints];
        _policy = options.ReconnectPolicy;
        _selector = options.EndpointSelector;
        _retryInitialConnection = options.RetryInitialConnection;
        _connectTimeout = options.ConnectTimeout;
        _defaultWait = options.DefaultWaitForConnection;
        _maxWaiting = options.MaxWaitingCalls;
        _maxCallAttempts = options.MaxCallAttempts;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _events = new EventBroadcaster(options.EventBufferCapacity);
        if (instrumentation is not null)
        {
            _metrics = RpcMetrics.For(instrumentation);
            _tracking = _metrics.Track(name, () => _state.Status);
        }
    }

    /// <inheritdoc />
    public event EventHandler<RpcConnectionEvent>? StateChanged;

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public RpcConnectionState State => _state;

    /// <summary>The configured endpoints, in their configured order.</summary>
    public IReadOnlyList<RpcEndpoint> Endpoints => _endpoints;

    /// <summary>Calls waiting for a connection right now (bounded by <see cref="ResilientRpcOptions.MaxWaitingCalls"/>).</summary>
    public int WaitingCalls => Volatile.Read(ref _waiting);

    /// <inheritdoc />
    public IAsyncEnumerable<RpcConnectionEvent> WatchAsync(CancellationToken cancellationToken = default) => _events.ReadAsync(cancellationToken);

    /// <inheritdoc />
    public void Start()
    {
        lock (_lifecycle)
        {
            if (_started || Volatile.Read(ref _closed) != 0)
            {
                return;
            }

            _started = true;
            // Task.Run: the supervising loop never runs on (or blocks) the caller's thread or context.
            _supervisor = Task.Run(() => SuperviseAsync(_stop.Token));
        }
    }

    /// <inheritdoc />
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        Start();
        var connected = await _firstOutcome.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (!connected)
        {
            var state = _state;
            throw new RpcUnavailableException(
                $"RPC connection '{Name}' did not connect: {state.Reason}", Name, state, RpcUnavailableReason.Closed, retryAfter: null);
        }
    }

    /// <summary>
    /// Adds a hook that (re-)establishes a subscription (an event feed, a flow observer) on every new connection: it
    /// runs after each connection is made, before the next loss is handled, and at once on the current connection if
    /// there is one. <see cref="RpcResubscribeContext.MayHaveMissedEvents"/> is true after a gap. A hook that throws is
    /// logged and runs again on the next connection; one that throws a connection failure triggers a reconnection.
    /// </summary>
    /// <param name="subscribe">Subscribes on the given client; the token is cancelled after the connect timeout or on close.</param>
    /// <returns>Removes the hook (it does not undo a subscription already made).</returns>
    public IDisposable AddSubscription(Func<TClient, RpcResubscribeContext, CancellationToken, Task> subscribe)
    {
        ArgumentNullException.ThrowIfNull(subscribe);
        var entry = _subscriptions.Add(subscribe);
        // Pairs with the barrier after a new connection is published: either that run sees this hook, or this read sees that connection.
        Interlocked.MemoryBarrier();
        var live = _live;
        if (live is not null && entry.Claim(live.Generation))
        {
            _ = RunSubscriptionAsync(entry, live, new RpcResubscribeContext(live.Endpoint, isReconnect: false, null, null), _stop.Token);
        }

        return entry;
    }

    /// <inheritdoc />
    public Task CloseAsync()
    {
        lock (_lifecycle)
        {
            _closing ??= CloseCoreAsync();
            return _closing;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await CloseAsync().ConfigureAwait(false);

    /// <summary>
    /// Closes the connection and waits for it (for containers disposed synchronously). Closing cancels the
    /// supervising loop and disposes the physical connection; it needs no synchronization context. Prefer <see cref="DisposeAsync"/>.
    /// </summary>
    public void Dispose() => CloseAsync().GetAwaiter().GetResult();

    private async Task CloseCoreAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _supervisor.ConfigureAwait(false);
        var live = _live;
        PublishClosed("The application closed the connection.", null, byApplication: true);
        if (live is not null)
        {
            live.MarkLost();
            _live = null;
            await DisposeQuietlyAsync(live.Connection).ConfigureAwait(false);
        }

        _tracking?.Dispose();
        _stop.Dispose();
    }

    private void SetState(RpcConnectionEventKind kind, RpcConnectionState state)
    {
        _state = state;
        var item = new RpcConnectionEvent(kind, state);
        _events.Publish(item);
        var handlers = StateChanged;
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList())
        {
            try
            {
                ((EventHandler<RpcConnectionEvent>)handler)(this, item);
            }
            catch (Exception e)
            {
                RpcLog.HandlerFailed(_logger, e, Name);
            }
        }
    }

    private void PublishClosed(string reason, Exception? error, bool byApplication = false)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        var previous = _state;
        var now = _time.GetUtcNow();
        if (previous.DisconnectedSince is { } since && previous.Status is RpcConnectionStatus.Disconnected or RpcConnectionStatus.Reconnecting)
        {
            _metrics?.ClosedWhileDisconnected(Name, now - since);
        }

        if (byApplication)
        {
            RpcLog.ClosedByApplication(_logger, Name);
        }
        else
        {
            RpcLog.Closed(_logger, Name, reason);
        }

        SetState(RpcConnectionEventKind.Closed, new RpcConnectionState
        {
            Status = RpcConnectionStatus.Closed,
            Endpoint = previous.Endpoint,
            DisconnectedSince = previous.DisconnectedSince ?? (previous.Status == RpcConnectionStatus.Connected ? now : null),
            Reason = reason,
            LastError = error,
            HasConnected = previous.HasConnected,
            ChangedAt = now,
        });
        _connectedSignal.TrySetResult(null);
        _firstOutcome.TrySetResult(false);
        _events.Complete();
    }

    private static TaskCompletionSource<Live?> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static async Task DisposeQuietlyAsync(IRpcTransportConnection<TClient> connection)
    {
        try
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The connection is already dead or being replaced; a failure to tidy it up changes nothing for the caller.
        }
    }

    private static string Describe(Exception? error) => error switch
    {
        null => "the transport reported the connection closed.",
        TimeoutException => error.Message,
        _ => $"{error.GetType().Name}: {error.Message}",
    };
}
