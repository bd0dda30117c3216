using System.Net;
using System.Net.Sockets;
using Corda.HighAvailability.Probes.Internal;
using Corda.HighAvailability.Probes.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Probes.Tcp;

/// <summary>
/// Connects to a TCP endpoint within a timeout and closes the connection, as a cloud load balancer's TCP probe does:
/// Healthy with the connection's latency, Unhealthy with the reason when the connection is refused, times out or the
/// name does not resolve. It sends no bytes, so it proves that something listens, not that it works.
/// </summary>
public sealed class TcpProbeHealthCheck : IHealthCheck
{
    private readonly TcpProbeOptions _options;
    private readonly TimeProvider _time;
    private readonly ProbeMetrics? _metrics;

    /// <summary>Creates the check.</summary>
    /// <param name="options">Where to connect; validated here.</param>
    /// <param name="timeProvider">The clock for the timeout and the latency; default <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="OptionsValidationException">The options are not usable; the message names the option.</exception>
    public TcpProbeHealthCheck(TcpProbeOptions options, TimeProvider? timeProvider = null)
        : this(options, timeProvider, metrics: null)
    {
    }

    internal TcpProbeHealthCheck(TcpProbeOptions options, TimeProvider? timeProvider, ProbeMetrics? metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new TcpProbeOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(TcpProbeOptions), validation.Failures);
        }

        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _metrics = metrics;
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = _time.GetTimestamp();
        var result = await ProbeAsync(context.Registration.FailureStatus, cancellationToken).ConfigureAwait(false);
        _metrics?.Probed(ProbeMetrics.Tcp, context.Registration.Name, result.Status, _time.GetElapsedTime(started));
        return result;
    }

    private async Task<HealthCheckResult> ProbeAsync(HealthStatus failureStatus, CancellationToken cancellationToken)
    {
        var endpoint = $"{_options.Host}:{_options.Port}";
        var report = new ProbeReport();
        report.Data["host"] = _options.Host;
        report.Data["port"] = _options.Port;
        report.Data["timeoutMs"] = ProbeReport.Milliseconds(_options.Timeout);

        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var started = _time.GetTimestamp();
        try
        {
            await socket.ConnectAsync(_options.Host, _options.Port, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var waited = _time.GetElapsedTime(started);
            report.Data["latencyMs"] = ProbeReport.Milliseconds(waited);
            report.Data["error"] = "Timeout";
            report.Unhealthy(
                $"No TCP connection to {endpoint} within {ProbeReport.FormatTimeSpan(_options.Timeout)}: the host is down or " +
                "unreachable, a firewall drops the packets, or the listener's backlog is full (the process is hung).");
            return report.ToResult(failureStatus, string.Empty);
        }
        catch (SocketException e)
        {
            report.Data["latencyMs"] = ProbeReport.Milliseconds(_time.GetElapsedTime(started));
            report.Data["error"] = e.SocketErrorCode.ToString();
            report.Unhealthy(Explain(endpoint, _options.Host, e));
            return report.ToResult(failureStatus, string.Empty, e);
        }

        var latency = _time.GetElapsedTime(started);
        report.Data["latencyMs"] = ProbeReport.Milliseconds(latency);
        if (socket.RemoteEndPoint is IPEndPoint remote)
        {
            var address = remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address;
            report.Data["remoteAddress"] = new IPEndPoint(address, remote.Port).ToString();
        }

        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // The peer may already have closed; the connection was made, which is what this probe checks.
        }

        return report.ToResult(failureStatus, $"TCP connection to {endpoint} made in {ProbeReport.FormatMilliseconds(latency)}.");
    }

    internal static string Explain(string endpoint, string host, SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused =>
            $"TCP connection to {endpoint} refused: nothing listens on that port (the broker or node is down or still starting), or a firewall rejects it.",
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain =>
            $"The host name '{host}' does not resolve ({e.SocketErrorCode}): check the name and DNS.",
        SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.HostDown =>
            $"No route to {endpoint} ({e.SocketErrorCode}): check the network path and routing.",
        SocketError.TimedOut =>
            $"TCP connection to {endpoint} timed out in the operating system ({e.SocketErrorCode}): the host is down or a firewall drops the packets.",
        SocketError.AccessDenied =>
            $"TCP connection to {endpoint} was refused by a local firewall or policy ({e.SocketErrorCode}).",
        _ => $"TCP connection to {endpoint} failed: {e.SocketErrorCode} ({e.Message}).",
    };
}
