using Amqp;
using Corda.HighAvailability.Probes.Internal;
using Corda.HighAvailability.Probes.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Artemis.Amqp;

/// <summary>
/// Checks a broker over AMQP 1.0 on one connection that it keeps open between probes: the first probe opens the
/// connection and a session (and, with a <see cref="AmqpProbeOptions.RoundTripAddress"/>, a sender and a receiver link
/// on that address); each probe then sends a message to the address and receives it back, reporting the round trip's
/// latency, or without an address begins and ends a session. A connection the broker or the network closed, or one on
/// which a probe failed, is dropped, and the next probe opens a new one, so at any probe rate there is at most one
/// connection and none is opened per probe. Concurrent probes take turns on the connection.
/// </summary>
/// <remarks>
/// Dispose the check to close its connection; a check registered with <c>AddCordaArtemisAmqpProbe</c> is a singleton
/// that the service provider disposes. The data carries <c>connectionsOpened</c>, so a reconnect is visible.
/// </remarks>
public sealed class AmqpProbeHealthCheck : IHealthCheck, IDisposable, IAsyncDisposable
{
    /// <summary>How long disposal waits for the broker to confirm the close.</summary>
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(2);

    private readonly AmqpProbeOptions _options;
    private readonly AmqpEndpoint _endpoint;
    private readonly string _containerId;
    private readonly ConnectionFactory _factory;
    private readonly TimeProvider _time;
    private readonly ProbeMetrics? _metrics;
    private readonly AmqpProbeMetrics? _amqpMetrics;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private AmqpProbeConnection? _connection;
    private long _connectionsOpened;
    private long _connectionsLost;
    private long _probesOnConnection;
    private int _disposed;

    /// <summary>Creates the check; it connects on its first probe.</summary>
    /// <param name="options">The broker's address and the round trip; validated here.</param>
    /// <param name="timeProvider">The clock for the timeout and the latencies; default <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="OptionsValidationException">The options are not usable; the message names the option.</exception>
    public AmqpProbeHealthCheck(AmqpProbeOptions options, TimeProvider? timeProvider = null)
        : this(options, timeProvider, metrics: null, amqpMetrics: null, logger: null)
    {
    }

    internal AmqpProbeHealthCheck(AmqpProbeOptions options, TimeProvider? timeProvider, ProbeMetrics? metrics, AmqpProbeMetrics? amqpMetrics, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new AmqpProbeOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(AmqpProbeOptions), validation.Failures);
        }

        _options = options;
        _endpoint = AmqpEndpoint.Parse(options, out _)!;
        _containerId = options.ContainerId ?? "corda-ha-probe-" + Guid.NewGuid().ToString("N")[..12];
        _factory = AmqpProbeConnection.Factory(_endpoint, options, _containerId);
        _time = timeProvider ?? TimeProvider.System;
        _metrics = metrics;
        _amqpMetrics = amqpMetrics;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Connections this check has opened so far: 1 while the first one lasts.</summary>
    internal long ConnectionsOpened => Interlocked.Read(ref _connectionsOpened);

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var started = _time.GetTimestamp();
        var result = await ProbeAsync(context.Registration, cancellationToken).ConfigureAwait(false);
        _metrics?.Probed(ProbeMetrics.Amqp, context.Registration.Name, result.Status, _time.GetElapsedTime(started));
        return result;
    }

    /// <summary>Closes the connection, waiting briefly for the broker to confirm.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Wait for a running probe to finish (it is bounded by its timeout), so that it does not open a connection after this.
        if (await _turn.WaitAsync(_options.Timeout + CloseWait).ConfigureAwait(false))
        {
            try
            {
                var connection = Interlocked.Exchange(ref _connection, null);
                if (connection is not null)
                {
                    await connection.CloseAsync(CloseWait).ConfigureAwait(false);
                    AmqpProbeLog.Closed(_logger, ConnectionsOpened, _endpoint.Display);
                }
            }
            finally
            {
                // Probes still waiting for their turn then find the check disposed instead of timing out.
                _turn.Release();
            }
        }
        else
        {
            Interlocked.Exchange(ref _connection, null)?.Abort();
        }
    }

    /// <summary>Closes the connection, waiting briefly for the broker to confirm.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task<HealthCheckResult> ProbeAsync(HealthCheckRegistration registration, CancellationToken cancellationToken)
    {
        var report = new ProbeReport();
        report.Data["address"] = _endpoint.Display;
        report.Data["containerId"] = _containerId;
        if (_options.RoundTripAddress is { } roundTripAddress)
        {
            report.Data["roundTripAddress"] = roundTripAddress;
        }

        report.Data["timeoutMs"] = ProbeReport.Milliseconds(_options.Timeout);
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        var started = _time.GetTimestamp();
        try
        {
            await _turn.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            report.Unhealthy(
                $"The previous AMQP probe of {_endpoint.Display} was still running after {ProbeReport.FormatTimeSpan(_options.Timeout)}: " +
                "probes run more often than they can complete (raise the period or the timeout), or the broker is very slow.");
            return Finish(report, registration.FailureStatus, string.Empty);
        }

        try
        {
            return await ProbeOnConnectionAsync(report, registration, started, cancellationToken, linked.Token).ConfigureAwait(false);
        }
        finally
        {
            _turn.Release();
        }
    }

    private async Task<HealthCheckResult> ProbeOnConnectionAsync(
        ProbeReport report, HealthCheckRegistration registration, long started, CancellationToken caller, CancellationToken token)
    {
        var failureStatus = registration.FailureStatus;
        var stage = "opening the connection";
        var succeeded = false;
        try
        {
            var connection = _connection;
            if (connection is not null && connection.IsBroken)
            {
                var condition = connection.BrokenBecause?.Condition?.ToString() ?? "closed";
                Interlocked.Increment(ref _connectionsLost);
                AmqpProbeLog.Lost(_logger, ConnectionsOpened, _endpoint.Display, condition);
                report.Data["previousConnectionError"] = condition;
                connection.Abort();
                _connection = connection = null;
            }

            var reused = connection is not null;
            if (connection is null)
            {
                if (Volatile.Read(ref _disposed) != 0)
                {
                    throw new ObjectDisposedException(nameof(AmqpProbeHealthCheck));
                }

                var opening = _time.GetTimestamp();
                connection = await AmqpProbeConnection.OpenAsync(_factory, _endpoint, token).ConfigureAwait(false);
                _connection = connection;
                _probesOnConnection = 0;
                var number = Interlocked.Increment(ref _connectionsOpened);
                _amqpMetrics?.ConnectionOpened(registration.Name);
                if (_options.RoundTripAddress is { } linkAddress)
                {
                    stage = $"attaching links to '{linkAddress}'";
                    await connection.AttachAsync(linkAddress, token).ConfigureAwait(false);
                }

                var connectTime = _time.GetElapsedTime(opening);
                report.Data["connectMs"] = ProbeReport.Milliseconds(connectTime);
                AmqpProbeLog.Opened(_logger, number, _endpoint.Display, _containerId, connectTime.TotalMilliseconds);
            }

            report.Data["connectionReused"] = reused;
            string summary;
            var measuring = _time.GetTimestamp();
            if (_options.RoundTripAddress is { } address)
            {
                stage = $"sending to and receiving from '{address}'";
                var skipped = await connection.RoundTripAsync(_options.Timeout, token).ConfigureAwait(false);
                var roundTrip = _time.GetElapsedTime(measuring);
                report.Data["roundTripMs"] = ProbeReport.Milliseconds(roundTrip);
                if (skipped > 0)
                {
                    report.Data["staleMessagesSkipped"] = skipped;
                }

                summary = $"AMQP round trip through '{address}' at {_endpoint.Display} in {ProbeReport.FormatMilliseconds(roundTrip)}";
            }
            else
            {
                stage = "beginning a session";
                await connection.PingAsync(token).ConfigureAwait(false);

                var ping = _time.GetElapsedTime(measuring);
                report.Data["sessionMs"] = ProbeReport.Milliseconds(ping);
                summary = $"AMQP connection to {_endpoint.Display} answers (session begun and ended in {ProbeReport.FormatMilliseconds(ping)})";
            }

            _probesOnConnection++;
            succeeded = true;
            report.Data["probesOnConnection"] = _probesOnConnection;
            var opened = ConnectionsOpened;
            summary += reused
                ? $" on the reused connection ({opened} opened so far)."
                : $" on a new connection ({opened} opened so far).";
            return Finish(report, failureStatus, summary, started);
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            report.Data["error"] = "Timeout";
            report.Unhealthy(
                $"No answer from the broker at {_endpoint.Display} within {ProbeReport.FormatTimeSpan(_options.Timeout)} while {stage}: " +
                "the broker is down, hung or overloaded, or a firewall drops the packets.");
            return Finish(report, failureStatus, string.Empty, started);
        }
        catch (Exception e) when (e is AmqpException or IOException or System.Net.Sockets.SocketException or System.Security.Authentication.AuthenticationException or TimeoutException or ObjectDisposedException or InvalidOperationException)
        {
            report.Data["error"] = AmqpProbeFailures.Code(e);
            report.Unhealthy(AmqpProbeFailures.Explain(_endpoint, stage, e));
            AmqpProbeLog.OpenFailed(_logger, _endpoint.Display, AmqpProbeFailures.Code(e));
            return Finish(report, failureStatus, string.Empty, started, e);
        }
        finally
        {
            if (!succeeded && _connection is { } failed)
            {
                // A probe that failed on the connection may have left a pending receive or an unconfirmed send behind:
                // never reuse it. The next probe opens a new one.
                _connection = null;
                Interlocked.Increment(ref _connectionsLost);
                failed.Abort();
                AmqpProbeLog.Dropped(_logger, ConnectionsOpened, _endpoint.Display, stage);
            }
        }
    }

    private HealthCheckResult Finish(ProbeReport report, HealthStatus failureStatus, string summary, long? started = null, Exception? exception = null)
    {
        if (started is { } from)
        {
            report.Data["latencyMs"] = ProbeReport.Milliseconds(_time.GetElapsedTime(from));
        }

        report.Data["connectionsOpened"] = ConnectionsOpened;
        report.Data["connectionsLost"] = Interlocked.Read(ref _connectionsLost);
        return report.ToResult(failureStatus, summary, exception);
    }
}
