using Corda.HighAvailability.Probes.Internal;
using Corda.HighAvailability.Probes.Telemetry;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Rpc.Grpc.Health;

/// <summary>
/// Asks a gRPC server's standard health service (<c>grpc.health.v1.Health/Check</c>) with a deadline, as a load
/// balancer's gRPC health check does: Healthy when it reports <c>SERVING</c>; Unhealthy, naming the status, when it
/// reports anything else; Unhealthy with the reason when the server offers no health service, refuses the connection,
/// fails the TLS handshake or does not answer within <see cref="GrpcHealthProbeOptions.Timeout"/>.
/// </summary>
/// <remarks>
/// The check keeps one channel, and so one HTTP/2 connection, for all its probes: a probe costs one request, not a
/// TCP and TLS handshake. The channel is dropped after a transport failure (no connection, TLS, a deadline) and the
/// next probe opens a new one; a status the server sent keeps it. Concurrent probes share the channel. The data
/// carries <c>connectionsOpened</c>, so a reconnect is visible. Dispose the check to close its connection; a check
/// registered with <c>AddCordaGrpcHealthProbe</c> is a singleton that the service provider disposes.
/// </remarks>
public sealed class GrpcHealthProbeHealthCheck : IHealthCheck, IDisposable
{
    /// <summary>The probe kind on the shared <c>corda_ha.probe.duration</c> histogram.</summary>
    internal const string MetricKind = "grpc_health";

    private readonly GrpcHealthProbeOptions _options;
    private readonly Uri _address;
    private readonly string _display;
    private readonly HealthCheckRequest _request;
    private readonly TimeProvider _time;
    private readonly ProbeMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private GrpcHealthProbeChannel? _channel;
    private long _connectionsOpened;
    private int _disposed;

    /// <summary>Creates the check; it connects on its first probe.</summary>
    /// <param name="options">The server's address, the service, the timeout and TLS; validated here.</param>
    /// <param name="timeProvider">The clock for the deadline and the latency; default <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="OptionsValidationException">The options are not usable; the message names the option.</exception>
    public GrpcHealthProbeHealthCheck(GrpcHealthProbeOptions options, TimeProvider? timeProvider = null)
        : this(options, timeProvider, metrics: null, logger: null)
    {
    }

    internal GrpcHealthProbeHealthCheck(GrpcHealthProbeOptions options, TimeProvider? timeProvider, ProbeMetrics? metrics, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = timeProvider ?? TimeProvider.System;
        var validation = new GrpcHealthProbeOptionsValidator(_time).Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(GrpcHealthProbeOptions), validation.Failures);
        }

        _options = options;
        _address = options.Address!;
        _display = GrpcHealthProbeOptions.Display(_address);
        _request = new HealthCheckRequest { Service = options.Service };
        _metrics = metrics;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>TCP connections this check has made so far: 1 while the first one lasts.</summary>
    internal long ConnectionsOpened => Interlocked.Read(ref _connectionsOpened);

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var started = _time.GetTimestamp();
        var result = await ProbeAsync(context.Registration, cancellationToken).ConfigureAwait(false);
        _metrics?.Probed(MetricKind, context.Registration.Name, result.Status, _time.GetElapsedTime(started));
        return result;
    }

    /// <summary>Closes the channel and its connection.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        GrpcHealthProbeChannel? channel;
        lock (_gate)
        {
            channel = _channel;
            _channel = null;
        }

        channel?.Dispose();
    }

    private async Task<HealthCheckResult> ProbeAsync(HealthCheckRegistration registration, CancellationToken cancellationToken)
    {
        var report = new ProbeReport();
        report.Data["address"] = _display;
        report.Data["service"] = _options.Service;
        report.Data["timeoutMs"] = ProbeReport.Milliseconds(_options.Timeout);
        var openedBefore = ConnectionsOpened;
        var channel = CurrentChannel();
        var started = _time.GetTimestamp();
        try
        {
            // The deadline is sent to the server too (grpc-timeout), and bounds the connection and TLS handshake.
            var deadline = _time.GetUtcNow().UtcDateTime + _options.Timeout;
            var response = await channel.Client.CheckAsync(_request, new CallOptions(deadline: deadline, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var latency = _time.GetElapsedTime(started);
            var status = GrpcHealthWatch.Name(response.Status);
            report.Data["status"] = status;
            Finish(report, latency);
            var subject = _options.Service.Length == 0 ? $"The gRPC health service at {_display}" : $"The gRPC health service at {_display} (service '{_options.Service}')";
            if (response.Status != HealthCheckResponse.Types.ServingStatus.Serving)
            {
                report.Unhealthy($"{subject} reports {status}: the server is reachable but does not serve (for an RPC proxy: its node is down, starting or draining).");
                return report.ToResult(registration.FailureStatus, string.Empty);
            }

            var connection = ConnectionsOpened == openedBefore ? "on the kept connection" : "on a new connection";
            return report.ToResult(
                registration.FailureStatus,
                $"{subject} reports SERVING in {ProbeReport.FormatMilliseconds(latency)} {connection} ({ConnectionsOpened} opened so far).");
        }
        catch (RpcException e) when (cancellationToken.IsCancellationRequested)
        {
            // The health check service's own timeout, or the host stopping: it reports that itself.
            throw new OperationCanceledException(e.Message, e, cancellationToken);
        }
        catch (RpcException e)
        {
            var (reason, code) = GrpcHealthProbeFailures.Explain(_address, _display, _options.Service, _options.Timeout, channel, e);
            report.Data["status"] = e.StatusCode.ToString();
            report.Data["error"] = code;
            Finish(report, _time.GetElapsedTime(started));
            report.Unhealthy(reason);
            if (GrpcHealthProbeFailures.IsTransportFailure(e))
            {
                Drop(channel, registration.Name, code);
            }

            return report.ToResult(registration.FailureStatus, string.Empty, e);
        }
        catch (ObjectDisposedException e) when (Volatile.Read(ref _disposed) == 0)
        {
            // A concurrent probe dropped the channel this one was using.
            report.Data["error"] = "ChannelDropped";
            Finish(report, _time.GetElapsedTime(started));
            report.Unhealthy($"The channel to {_display} was dropped by a concurrent probe after a transport failure.");
            return report.ToResult(registration.FailureStatus, string.Empty, e);
        }
    }

    private void Finish(ProbeReport report, TimeSpan latency)
    {
        report.Data["latencyMs"] = ProbeReport.Milliseconds(latency);
        report.Data["connectionsOpened"] = ConnectionsOpened;
    }

    private GrpcHealthProbeChannel CurrentChannel()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            return _channel ??= new GrpcHealthProbeChannel(_address, _options, OnConnected);
        }
    }

    private void OnConnected() => GrpcHealthProbeLog.ConnectionOpened(_logger, Interlocked.Increment(ref _connectionsOpened), _display);

    private void Drop(GrpcHealthProbeChannel channel, string name, string error)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_channel, channel))
            {
                return;
            }

            _channel = null;
        }

        GrpcHealthProbeLog.ChannelDropped(_logger, name, _display, error);
        channel.Dispose();
    }
}
