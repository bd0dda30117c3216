using System.Globalization;
using Corda.HighAvailability.Rpc.Calls;
using Corda.HighAvailability.Rpc.Internal;
using Corda.HighAvailability.Rpc.State;
using Corda.HighAvailability.Rpc.Transport;

namespace Corda.HighAvailability.Rpc;

/// <summary>
/// Calls. The fast path (connected, the call completes without a connection failure) is one volatile read, one
/// interlocked increment and, when the call completes asynchronously, one awaiting state machine: no lock, no
/// closure, no linked token.
/// </summary>
public sealed partial class ResilientRpcConnection<TClient>
{
    private static readonly TimeSpan MaxTimerWait = TimeSpan.FromMilliseconds(int.MaxValue - 1);

    /// <summary>
    /// Makes a call on the current connection. When there is none, the call fails fast with
    /// <see cref="RpcUnavailableException"/>, or waits for one up to <see cref="RpcCallOptions.WaitForConnection"/>
    /// (bounded by <see cref="ResilientRpcOptions.MaxWaitingCalls"/>). When the connection is lost during the call, it
    /// is retried on the next connection if that cannot run it twice (<see cref="RpcCallOptions.Idempotent"/>, a
    /// <see cref="RpcCallOptions.RequestId"/>, or a request that certainly never left); otherwise it fails with
    /// <see cref="RpcConnectionLostException"/>, which says whether the server may have run it. Errors that are not
    /// connection failures (the server's answer) pass through unchanged.
    /// </summary>
    /// <typeparam name="T">The call's result.</typeparam>
    /// <param name="call">Makes the call on the client with the context's cancellation token; send
    /// <see cref="RpcCallContext.RequestId"/> along when the server de-duplicates. Prefer a static lambda (no closure).</param>
    /// <param name="options">How the call behaves when disconnected; default <see cref="RpcCallOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the call and any wait.</param>
    /// <returns>The call's result.</returns>
    public Task<T> InvokeAsync<T>(Func<TClient, RpcCallContext, Task<T>> call, RpcCallOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        return InvokeCore<T>(call, options ?? RpcCallOptions.Default, cancellationToken);
    }

    private Task<T> InvokeCore<T>(Func<TClient, RpcCallContext, Task<T>> call, RpcCallOptions options, CancellationToken cancellationToken)
    {
        var live = _live;
        var sequence = Interlocked.Increment(ref _callSequence);
        if (live is null || cancellationToken.IsCancellationRequested)
        {
            return InvokeSlowAsync<T>(call, options, sequence, cancellationToken);
        }

        var task = Run<T>(call, live, new RpcCallContext(options.RequestId, _requestIdPrefix, sequence, 1, live.Endpoint, cancellationToken));
        return task.IsCompletedSuccessfully ? task : CompleteFirstAttemptAsync(task, call, options, sequence, live, cancellationToken);
    }

    private static Task<T> Run<T>(Func<TClient, RpcCallContext, Task<T>> call, Live live, RpcCallContext context)
    {
        try
        {
            return call(live.Client, context) ?? Task.FromException<T>(new InvalidOperationException("The call delegate returned no task."));
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }

    private async Task<T> CompleteFirstAttemptAsync<T>(Task<T> task, Func<TClient, RpcCallContext, Task<T>> call, RpcCallOptions options, long sequence, Live live, CancellationToken cancellationToken)
    {
        RpcFailureKind failure;
        Exception lost;
        try
        {
            return await task.ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectionFailure(e, cancellationToken, out failure))
        {
            lost = e;
        }

        return await AfterLossAsync<T>(call, options, sequence, live, lost, failure, attempts: 1, cancellationToken).ConfigureAwait(false);
    }

    private Task<T> InvokeSlowAsync<T>(Func<TClient, RpcCallContext, Task<T>> call, RpcCallOptions options, long sequence, CancellationToken cancellationToken) =>
        RunAttemptsAsync<T>(call, options, sequence, attempts: 0, mayHaveReachedServer: false, lastLoss: null, lostOn: null, cancellationToken);

    private Task<T> AfterLossAsync<T>(Func<TClient, RpcCallContext, Task<T>> call, RpcCallOptions options, long sequence, Live live, Exception lost, RpcFailureKind failure, int attempts, CancellationToken cancellationToken)
    {
        live.ReportLost(lost);
        var mayHaveReachedServer = failure == RpcFailureKind.ConnectionLostAfterSend;
        if (!MayRetry(options, failure, attempts))
        {
            return Task.FromException<T>(Lost(options, sequence, mayHaveReachedServer, live.Endpoint, attempts, lost, null));
        }

        RpcLog.CallRetried(_logger, Name, RequestIdOf(options, sequence), attempts);
        return RunAttemptsAsync<T>(call, options, sequence, attempts, mayHaveReachedServer, lost, live, cancellationToken);
    }

    private async Task<T> RunAttemptsAsync<T>(
        Func<TClient, RpcCallContext, Task<T>> call,
        RpcCallOptions options,
        long sequence,
        int attempts,
        bool mayHaveReachedServer,
        Exception? lastLoss,
        Live? lostOn,
        CancellationToken cancellationToken)
    {
        var budget = WaitBudget(options);
        long? waitStarted = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var live = _live;
            // Never retry on the connection the call was lost on: its loss is reported, a new one is coming.
            if (live is null || live.IsLost || live == lostOn)
            {
                try
                {
                    if (budget <= TimeSpan.Zero)
                    {
                        var state = _state;
                        throw Unavailable(state.Status == RpcConnectionStatus.Closed ? RpcUnavailableReason.Closed : RpcUnavailableReason.Disconnected, state);
                    }

                    waitStarted ??= _time.GetTimestamp();
                    live = await WaitForConnectionAsync(budget - _time.GetElapsedTime(waitStarted.Value), lostOn, cancellationToken).ConfigureAwait(false);
                }
                catch (RpcUnavailableException unavailable) when (lastLoss is not null)
                {
                    // The call was on a connection that was lost: the caller must learn whether it may have run.
                    throw Lost(options, sequence, mayHaveReachedServer, lostOn?.Endpoint, attempts, lastLoss, unavailable);
                }
            }

            attempts++;
            var task = Run<T>(call, live, new RpcCallContext(options.RequestId, _requestIdPrefix, sequence, attempts, live.Endpoint, cancellationToken));
            RpcFailureKind failure;
            try
            {
                return await task.ConfigureAwait(false);
            }
            catch (Exception e) when (IsConnectionFailure(e, cancellationToken, out failure))
            {
                live.ReportLost(e);
                mayHaveReachedServer |= failure == RpcFailureKind.ConnectionLostAfterSend;
                lastLoss = e;
                lostOn = live;
            }

            if (!MayRetry(options, failure, attempts) || budget <= TimeSpan.Zero)
            {
                throw Lost(options, sequence, mayHaveReachedServer, lostOn?.Endpoint, attempts, lastLoss, null);
            }

            RpcLog.CallRetried(_logger, Name, RequestIdOf(options, sequence), attempts);
        }
    }

    /// <summary>
    /// A retry can never run the call twice when it is idempotent, when the server de-duplicates it by the caller's
    /// request id, or when the request certainly never left; and it needs a call that may wait for a connection.
    /// </summary>
    private bool MayRetry(RpcCallOptions options, RpcFailureKind failure, int attempts) =>
        (options.Retriable || failure == RpcFailureKind.ConnectionLostBeforeSend)
        && attempts < (options.MaxAttempts ?? _maxCallAttempts)
        && WaitBudget(options) > TimeSpan.Zero;

    /// <summary>The call's wait, clamped to what timers accept (a negative wait is fail fast; the longest is about 24 days).</summary>
    private TimeSpan WaitBudget(RpcCallOptions options)
    {
        var wait = options.WaitForConnection ?? _defaultWait;
        return wait <= TimeSpan.Zero ? TimeSpan.Zero : wait > MaxTimerWait ? MaxTimerWait : wait;
    }

    private async Task<Live> WaitForConnectionAsync(TimeSpan remaining, Live? lostOn, CancellationToken cancellationToken)
    {
        var state = _state;
        if (state.Status == RpcConnectionStatus.Closed)
        {
            throw Unavailable(RpcUnavailableReason.Closed, state);
        }

        if (remaining <= TimeSpan.Zero)
        {
            throw Unavailable(RpcUnavailableReason.WaitTimedOut, state);
        }

        if (Interlocked.Increment(ref _waiting) > _maxWaiting)
        {
            Interlocked.Decrement(ref _waiting);
            throw Unavailable(RpcUnavailableReason.BacklogFull, state);
        }

        try
        {
            while (true)
            {
                // Read the signal before the connection: a connection published in between is seen by one or the other.
                var signal = _connectedSignal;
                var live = _live;
                if (live is not null && !live.IsLost && live != lostOn)
                {
                    return live;
                }

                if (_state.Status == RpcConnectionStatus.Closed)
                {
                    throw Unavailable(RpcUnavailableReason.Closed, _state);
                }

                var started = _time.GetTimestamp();
                try
                {
                    live = await signal.Task.WaitAsync(remaining, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    throw Unavailable(RpcUnavailableReason.WaitTimedOut, _state);
                }

                if (live is null)
                {
                    throw Unavailable(RpcUnavailableReason.Closed, _state);
                }

                if (!live.IsLost && live != lostOn)
                {
                    return live;
                }

                // The signal of the connection this call was just lost on: wait until the loop has taken the loss in
                // hand (and armed the next signal) rather than spin on the old one.
                if (!live.IsLost)
                {
                    try
                    {
                        await live.MarkedLost.WaitAsync(remaining, _time, cancellationToken).ConfigureAwait(false);
                    }
                    catch (TimeoutException)
                    {
                        throw Unavailable(RpcUnavailableReason.WaitTimedOut, _state);
                    }
                }

                remaining -= _time.GetElapsedTime(started);
                if (remaining <= TimeSpan.Zero)
                {
                    throw Unavailable(RpcUnavailableReason.WaitTimedOut, _state);
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    private bool IsConnectionFailure(Exception exception, CancellationToken cancellationToken, out RpcFailureKind failure)
    {
        if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            // The caller cancelled: not the connection's doing.
            failure = RpcFailureKind.NotConnectionFailure;
            return false;
        }

        failure = Classify(exception);
        return failure != RpcFailureKind.NotConnectionFailure;
    }

    private RpcUnavailableException Unavailable(RpcUnavailableReason reason, RpcConnectionState state)
    {
        _metrics?.FailedFast(Name, ReasonName(reason));
        TimeSpan? retryAfter = null;
        if (state.NextAttemptAt is { } next && state.Status is RpcConnectionStatus.Connecting or RpcConnectionStatus.Reconnecting)
        {
            var wait = next - _time.GetUtcNow();
            retryAfter = wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        var why = reason switch
        {
            RpcUnavailableReason.Closed => $"it is closed: {state.Reason}",
            RpcUnavailableReason.BacklogFull => string.Create(CultureInfo.InvariantCulture, $"{_maxWaiting} calls are already waiting for a connection"),
            RpcUnavailableReason.WaitTimedOut => $"no connection came within the call's wait ({state.Status})",
            _ => $"it is {state.Status} and the call fails fast",
        };
        var nextAttempt = retryAfter is { } after ? string.Create(CultureInfo.InvariantCulture, $" Next attempt in {after.TotalSeconds:0.###} s.") : string.Empty;
        return new RpcUnavailableException($"RPC connection '{Name}' is unavailable: {why}. The call was not sent.{nextAttempt}", Name, state, reason, retryAfter);
    }

    private RpcConnectionLostException Lost(RpcCallOptions options, long sequence, bool mayHaveReachedServer, RpcEndpoint? endpoint, int attempts, Exception? cause, RpcUnavailableException? noReconnection)
    {
        var requestId = RequestIdOf(options, sequence);
        var reached = mayHaveReachedServer
            ? "the server may have run it"
            : "the request never reached the server";
        var after = noReconnection is null ? string.Empty : $" No new connection in time: {noReconnection.Message}";
        return new RpcConnectionLostException(
            string.Create(CultureInfo.InvariantCulture, $"RPC connection '{Name}': the connection to {endpoint?.Name} was lost during call {requestId} (attempt {attempts}); {reached}.{after}"),
            Name,
            _state,
            mayHaveReachedServer,
            requestId,
            endpoint,
            attempts,
            cause);
    }

    private string RequestIdOf(RpcCallOptions options, long sequence) =>
        new RpcCallContext(options.RequestId, _requestIdPrefix, sequence, 0, null!, default).RequestId;

    private static string ReasonName(RpcUnavailableReason reason) => reason switch
    {
        RpcUnavailableReason.Disconnected => "disconnected",
        RpcUnavailableReason.WaitTimedOut => "wait_timed_out",
        RpcUnavailableReason.BacklogFull => "backlog_full",
        _ => "closed",
    };
}
