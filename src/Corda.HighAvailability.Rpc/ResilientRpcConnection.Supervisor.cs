using System.Diagnostics;
using System.Globalization;
using Corda.HighAvailability.Rpc.Endpoints;
using Corda.HighAvailability.Rpc.Internal;
using Corda.HighAvailability.Rpc.Retry;
using Corda.HighAvailability.Rpc.State;
using Corda.HighAvailability.Rpc.Subscriptions;
using Corda.HighAvailability.Rpc.Telemetry;
using Corda.HighAvailability.Rpc.Transport;

namespace Corda.HighAvailability.Rpc;

/// <summary>The supervising loop: the only writer of the state, so that events come out in the order things happened.</summary>
public sealed partial class ResilientRpcConnection<TClient>
{
    private async Task SuperviseAsync(CancellationToken stop)
    {
        var failedAttempts = 0;
        var outageStarted = _time.GetTimestamp();
        Exception? lastError = null;
        string? lastReason = null;
        RpcEndpoint? lastAttempted = null;
        RpcEndpoint? lastConnected = null;
        DateTimeOffset? disconnectedSince = null;
        var hasConnected = false;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var next = _selector.Select(new RpcEndpointSelectionContext(_endpoints, failedAttempts, lastConnected, lastAttempted));
                TimeSpan delay;
                if (!hasConnected && !_retryInitialConnection)
                {
                    // One pass over the endpoints, at once, as Corda's first connect does; then give up with the reason.
                    if (failedAttempts >= _endpoints.Length)
                    {
                        PublishClosed(string.Create(CultureInfo.InvariantCulture, $"The first connection failed on every endpoint ({_endpoints.Length}) and RetryInitialConnection is off; last error: {lastReason}"), lastError);
                        return;
                    }

                    delay = TimeSpan.Zero;
                }
                else
                {
                    var elapsed = _time.GetElapsedTime(outageStarted);
                    if (_policy.NextDelay(new RpcRetryContext(failedAttempts, elapsed, lastError, lastAttempted, next, !hasConnected)) is not { } decided)
                    {
                        PublishClosed(string.Create(CultureInfo.InvariantCulture, $"The reconnect policy gave up after {failedAttempts} failed attempts over {elapsed.TotalSeconds:0.###} s; last error: {lastReason ?? "none"}"), lastError);
                        return;
                    }

                    delay = decided < TimeSpan.Zero ? TimeSpan.Zero : decided;
                }

                var now = _time.GetUtcNow();
                var status = hasConnected ? RpcConnectionStatus.Reconnecting : RpcConnectionStatus.Connecting;
                SetState(hasConnected ? RpcConnectionEventKind.Reconnecting : RpcConnectionEventKind.Connecting, new RpcConnectionState
                {
                    Status = status,
                    Endpoint = next,
                    Attempt = failedAttempts + 1,
                    NextDelay = delay,
                    NextAttemptAt = now + delay,
                    DisconnectedSince = disconnectedSince,
                    Reason = lastReason,
                    LastError = lastError,
                    HasConnected = hasConnected,
                    ChangedAt = now,
                });
                RpcLog.AttemptScheduled(_logger, Name, failedAttempts + 1, next.ToString(), delay.TotalMilliseconds);
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, _time, stop).ConfigureAwait(false);
                }

                IRpcTransportConnection<TClient> connection;
                try
                {
                    connection = await ConnectOnceAsync(next, failedAttempts + 1, stop).ConfigureAwait(false);
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                // Stryker disable once Block : emptying this block leaves 'connection' unassigned below, a compile error Stryker cannot pin to one mutant (it would then drop every mutant of this method).
                {
                    failedAttempts++;
                    lastError = e;
                    lastReason = Describe(e);
                    lastAttempted = next;
                    RpcLog.AttemptFailed(_logger, e, Name, failedAttempts, next.ToString(), lastReason);
                    // Stryker disable once Statement : as above (removing the continue leaves 'connection' unassigned).
                    continue;
                }

                var live = new Live(connection, next, ++_generation);
                var connectedAt = _time.GetUtcNow();
                _live = live;
                _connectedSignal.TrySetResult(live);
                // Pairs with the barrier in AddSubscription (see there).
                Interlocked.MemoryBarrier();
                TimeSpan? gap = hasConnected ? _time.GetElapsedTime(outageStarted) : null;
                var connectedState = new RpcConnectionState
                {
                    Status = RpcConnectionStatus.Connected,
                    Endpoint = next,
                    ConnectedSince = connectedAt,
                    HasConnected = true,
                    ChangedAt = connectedAt,
                };
                if (gap is { } outage)
                {
                    _metrics?.Reconnected(Name, next.Name, outage);
                    RpcLog.Reconnected(_logger, Name, next.ToString(), outage.TotalSeconds, failedAttempts + 1);
                    SetState(RpcConnectionEventKind.Reconnected, connectedState);
                }
                else
                {
                    RpcLog.Connected(_logger, Name, next.ToString(), failedAttempts + 1);
                    SetState(RpcConnectionEventKind.Connected, connectedState);
                    _firstOutcome.TrySetResult(true);
                }

                var context = new RpcResubscribeContext(next, hasConnected, disconnectedSince, gap);
                foreach (var entry in _subscriptions.Snapshot())
                {
                    if (entry.Claim(live.Generation))
                    {
                        await RunSubscriptionAsync(entry, live, context, stop).ConfigureAwait(false);
                    }
                }

                hasConnected = true;
                lastConnected = next;
                lastAttempted = next;
                failedAttempts = 0;

                var reason = await live.WaitForLossAsync(stop).ConfigureAwait(false);

                // Order matters for waiting calls: mark the old connection lost, arm a new signal, then clear it.
                live.MarkLost();
                _connectedSignal = NewSignal();
                _live = null;
                outageStarted = _time.GetTimestamp();
                disconnectedSince = _time.GetUtcNow();
                lastError = reason;
                lastReason = Describe(reason);
                RpcLog.Disconnected(_logger, Name, next.ToString(), lastReason);
                SetState(RpcConnectionEventKind.Disconnected, new RpcConnectionState
                {
                    Status = RpcConnectionStatus.Disconnected,
                    Endpoint = next,
                    DisconnectedSince = disconnectedSince,
                    Reason = lastReason,
                    LastError = reason,
                    HasConnected = true,
                    ChangedAt = disconnectedSince.Value,
                });
                _ = DisposeQuietlyAsync(connection);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // CloseAsync takes it from here.
        }
        catch (Exception e)
        {
            // A policy, selector or transport broke its contract (threw where it must not): close with the reason
            // rather than leave a connection that silently never reconnects.
            PublishClosed($"The connection's supervising loop failed: {Describe(e)}", e);
        }
    }

    private async Task<IRpcTransportConnection<TClient>> ConnectOnceAsync(RpcEndpoint endpoint, int attempt, CancellationToken stop)
    {
        using var activity = _metrics?.ActivitySource.StartActivity(RpcMetrics.ConnectActivityName, ActivityKind.Client);
        activity?.SetTag(RpcMetrics.ConnectionTag, Name);
        activity?.SetTag(RpcMetrics.EndpointTag, endpoint.Name);
        activity?.SetTag(RpcMetrics.AttemptTag, attempt);
        using var timeout = new CancellationTokenSource(_connectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
        Task<IRpcTransportConnection<TClient>> pending;
        try
        {
            pending = _transport.ConnectAsync(endpoint, linked.Token).AsTask();
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            throw;
        }

        try
        {
            // WaitAsync enforces the timeout even on a transport that ignores its token.
            var connection = await pending.WaitAsync(_connectTimeout, _time, stop).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The transport returned no connection for {endpoint}.");
            activity?.SetStatus(ActivityStatusCode.Ok);
            return connection;
        }
        catch (Exception e)
        {
            // A connection that arrives after its attempt was abandoned is closed at once.
            _ = pending.ContinueWith(
                static t => t.Result.DisposeAsync().AsTask(),
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion,
                TaskScheduler.Default);
            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            if (!stop.IsCancellationRequested && (e is TimeoutException || (e is OperationCanceledException && timeout.IsCancellationRequested)))
            {
                throw new TimeoutException(
                    string.Create(CultureInfo.InvariantCulture, $"No connection to {endpoint} within {_connectTimeout.TotalSeconds:0.###} s."), e);
            }

            throw;
        }
    }

    private async Task RunSubscriptionAsync(SubscriptionSet<TClient>.Entry entry, Live live, RpcResubscribeContext context, CancellationToken stop)
    {
        try
        {
            using var timeout = new CancellationTokenSource(_connectTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
            await entry.Subscribe(live.Client, context, linked.Token).WaitAsync(_connectTimeout, _time, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Closing.
        }
        catch (Exception e)
        {
            RpcLog.SubscriptionFailed(_logger, e, Name, live.Endpoint.ToString(), Describe(e));
            if (Classify(e) != RpcFailureKind.NotConnectionFailure)
            {
                live.ReportLost(e);
            }
        }
    }

    private RpcFailureKind Classify(Exception exception)
    {
        try
        {
            return _transport.Classify(exception);
        }
        catch (Exception)
        {
            // A classifier that fails cannot rule out that the request was sent.
            return RpcFailureKind.ConnectionLostAfterSend;
        }
    }
}
