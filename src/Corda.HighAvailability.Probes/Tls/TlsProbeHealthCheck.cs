using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Corda.HighAvailability.Probes.Internal;
using Corda.HighAvailability.Probes.Tcp;
using Corda.HighAvailability.Probes.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Probes.Tls;

/// <summary>
/// Connects to a TLS endpoint (a broker's acceptor, a node's P2P port) and completes a handshake, optionally with a
/// client certificate (mutual TLS). Healthy when the server's certificate is trusted, valid for the target name and
/// not about to expire; Degraded when a certificate of its chain, or the client certificate, expires within
/// <see cref="TlsProbeOptions.ExpiryWarning"/>; Unhealthy when the endpoint is unreachable, the handshake fails, or the
/// certificate is expired, untrusted or issued for another name, saying which. The data carries the chain's earliest
/// expiry, the negotiated protocol and the latency. No application bytes are sent.
/// </summary>
/// <remarks>
/// A server may refuse a client certificate (or its absence) only after the client has finished its handshake: always
/// with TLS 1.3, and with servers that check the certificate once the handshake is done. So when the server asked for a
/// client certificate, the probe waits up to 250 ms (within <see cref="TlsProbeOptions.Timeout"/>) for such a refusal
/// before reporting Healthy; the latency reported excludes that wait.
/// </remarks>
public sealed class TlsProbeHealthCheck : IHealthCheck
{
    /// <summary>How long to wait, after a handshake in which the server asked for a client certificate, for it to refuse the certificate.</summary>
    internal static readonly TimeSpan RefusalWait = TimeSpan.FromMilliseconds(250);

    private readonly TlsProbeOptions _options;
    private readonly TimeProvider _time;
    private readonly ProbeMetrics? _metrics;
    private readonly ILogger _logger;

    /// <summary>Creates the check.</summary>
    /// <param name="options">The endpoint, trust and client certificate; validated here.</param>
    /// <param name="timeProvider">The clock for the timeout, the latency and certificate dates; default <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="OptionsValidationException">The options are not usable; the message names the option.</exception>
    public TlsProbeHealthCheck(TlsProbeOptions options, TimeProvider? timeProvider = null)
        : this(options, timeProvider, metrics: null, logger: null)
    {
    }

    internal TlsProbeHealthCheck(TlsProbeOptions options, TimeProvider? timeProvider, ProbeMetrics? metrics, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new TlsProbeOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(TlsProbeOptions), validation.Failures);
        }

        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _metrics = metrics;
        _logger = logger ?? NullLogger.Instance;
    }

    private string TargetHost => _options.TargetHost ?? _options.Host;

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = _time.GetTimestamp();
        var result = await ProbeAsync(context.Registration, cancellationToken).ConfigureAwait(false);
        _metrics?.Probed(ProbeMetrics.Tls, context.Registration.Name, result.Status, _time.GetElapsedTime(started));
        return result;
    }

    private async Task<HealthCheckResult> ProbeAsync(HealthCheckRegistration registration, CancellationToken cancellationToken)
    {
        var failureStatus = registration.FailureStatus;
        var endpoint = $"{_options.Host}:{_options.Port}";
        var report = new ProbeReport();
        report.Data["host"] = _options.Host;
        report.Data["port"] = _options.Port;
        report.Data["targetHost"] = TargetHost;

        X509Certificate2Collection? bundle = null;
        ClientCertificate? client = null;
        try
        {
            if (_options.TrustedCaBundlePath is { } bundlePath)
            {
                try
                {
                    bundle = CertificateFiles.LoadCaBundle(bundlePath);
                    report.Data["trustedCaCount"] = bundle.Count;
                }
                catch (CertificateFileException e)
                {
                    report.Unhealthy($"{e.Message} The TLS probe of {endpoint} did not run.");
                    return report.ToResult(failureStatus, string.Empty);
                }
            }

            if (_options.ClientCertificatePath is { } clientPath)
            {
                try
                {
                    client = CertificateFiles.LoadClientCertificate(clientPath, _options.ClientCertificateKeyPath, _options.ClientCertificatePassword);
                }
                catch (CertificateFileException e)
                {
                    ProbeLog.ClientCertificateUnusable(_logger, registration.Name, clientPath, e.Message);
                    report.Unhealthy($"{e.Message} The TLS probe of {endpoint} did not run.");
                    return report.ToResult(failureStatus, string.Empty);
                }
            }

            if (client is not null)
            {
                DescribeClientCertificate(report, client.Certificate);
            }

            return await HandshakeAsync(report, endpoint, bundle, client, failureStatus, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            client?.Dispose();
            if (bundle is not null)
            {
                foreach (var certificate in bundle)
                {
                    certificate.Dispose();
                }
            }
        }
    }

    private async Task<HealthCheckResult> HandshakeAsync(
        ProbeReport report, string endpoint, X509Certificate2Collection? bundle, ClientCertificate? client, HealthStatus failureStatus, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        SslStream? tls = null;
        try
        {
            var check = new ServerCertificateCheck(_options, _time.GetUtcNow(), bundle);
            var started = _time.GetTimestamp();
            TimeSpan connected;
            try
            {
                await socket.ConnectAsync(_options.Host, _options.Port, linked.Token).ConfigureAwait(false);
                connected = _time.GetElapsedTime(started);
                report.Data["connectMs"] = ProbeReport.Milliseconds(connected);
                tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
                await tls.AuthenticateAsClientAsync(ClientOptions(check, client), linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                report.Data["latencyMs"] = ProbeReport.Milliseconds(_time.GetElapsedTime(started));
                report.Data["error"] = "Timeout";
                var stage = report.Data.ContainsKey("connectMs")
                    ? "the TCP connection was made but the TLS handshake did not complete (a plain-TCP port, or a hung server?)"
                    : "no TCP connection: the host is down, a firewall drops the packets, or the listener's backlog is full";
                report.Unhealthy($"No TLS handshake with {endpoint} within {ProbeReport.FormatTimeSpan(_options.Timeout)}: {stage}.");
                AddCertificateFindings(report, check);
                return report.ToResult(failureStatus, string.Empty);
            }
            catch (SocketException e)
            {
                report.Data["error"] = e.SocketErrorCode.ToString();
                report.Unhealthy(TcpProbeHealthCheck.Explain(endpoint, _options.Host, e));
                return report.ToResult(failureStatus, string.Empty, e);
            }
            catch (Exception e) when (e is AuthenticationException or IOException)
            {
                report.Data["latencyMs"] = ProbeReport.Milliseconds(_time.GetElapsedTime(started));
                report.Data["error"] = e.GetType().Name;
                AddCertificateFindings(report, check);
                if (check.Invoked && !check.Accepted)
                {
                    report.Unhealthy($"TLS handshake with {endpoint} refused by this probe: {Rejection(check)}.");
                    return report.ToResult(failureStatus, string.Empty);
                }

                report.Unhealthy(HandshakeFailure(endpoint, e, client, check));
                return report.ToResult(failureStatus, string.Empty, e);
            }

            var stream = tls!;
            var latency = _time.GetElapsedTime(started);
            report.Data["latencyMs"] = ProbeReport.Milliseconds(latency);
            report.Data["handshakeMs"] = ProbeReport.Milliseconds(latency - connected);
            report.Data["protocol"] = stream.SslProtocol.ToString();
            report.Data["cipherSuite"] = stream.NegotiatedCipherSuite.ToString();
            report.Data["clientCertificateSent"] = stream.IsMutuallyAuthenticated;
            var requested = check.ClientCertificateRequested || stream.IsMutuallyAuthenticated;
            report.Data["clientCertificateRequested"] = requested;
            if (requested && await RefusedAfterHandshakeAsync(stream, started, cancellationToken).ConfigureAwait(false) is { } refusal)
            {
                report.Data["error"] = refusal.Error;
                AddCertificateFindings(report, check);
                report.Unhealthy($"The TLS handshake with {endpoint} completed, then the server {refusal.What}. {ClientCertificateHint(client)}");
                return report.ToResult(failureStatus, string.Empty, refusal.Exception);
            }

            AddCertificateFindings(report, check);
            if (check.TrustedBy is null || check.NameProblem is not null)
            {
                report.Data["trustProblem"] = string.Join("; ", new[] { check.TrustProblem, check.NameProblem }.OfType<string>());
            }

            var summary = $"TLS handshake with {endpoint} ({ProtocolName(stream.SslProtocol)}) in {ProbeReport.FormatMilliseconds(latency)}; "
                          + $"certificate '{check.Subject}' {TrustSummary(check)}"
                          + (check.EarliestExpiry is { } expiry ? $", chain valid until {ProbeReport.FormatDate(expiry)}." : ".");
            return report.ToResult(failureStatus, summary);
        }
        finally
        {
            tls?.Dispose();
        }
    }

    private SslClientAuthenticationOptions ClientOptions(ServerCertificateCheck check, ClientCertificate? client)
    {
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = TargetHost,
            EnabledSslProtocols = _options.EnabledProtocols,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = check.Validate,
        };
        if (client is not null)
        {
            options.ClientCertificateContext = SslStreamCertificateContext.Create(client.Certificate, client.Issuers, offline: true);
        }
        else
        {
            options.LocalCertificateSelectionCallback = check.SelectNoClientCertificate;
        }

        return options;
    }

    private async Task<(string What, string Error, Exception? Exception)?> RefusedAfterHandshakeAsync(SslStream stream, long started, CancellationToken cancellationToken)
    {
        var left = _options.Timeout - _time.GetElapsedTime(started);
        var wait = left < RefusalWait ? left : RefusalWait;
        if (wait <= TimeSpan.Zero)
        {
            return null;
        }

        using var settle = new CancellationTokenSource(wait, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(settle.Token, cancellationToken);
        var buffer = new byte[1];
        try
        {
            var read = await stream.ReadAsync(buffer, linked.Token).ConfigureAwait(false);
            return read == 0 ? ("closed the connection", "ClosedAfterHandshake", null) : null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null; // Nothing came: the server keeps the connection, as it does for an accepted client.
        }
        catch (Exception e) when (e is IOException or AuthenticationException)
        {
            return ($"refused the connection ({Innermost(e).Message})", e.GetType().Name, e);
        }
    }

    private void DescribeClientCertificate(ProbeReport report, X509Certificate2 certificate)
    {
        var notAfter = new DateTimeOffset(certificate.NotAfter);
        report.Data["clientCertificateSubject"] = certificate.Subject;
        report.Data["clientCertificateThumbprint"] = Thumbprints.Sha256(certificate);
        report.Data["clientCertificateExpiry"] = ProbeReport.DataDate(notAfter);
        var now = _time.GetUtcNow();
        if (now >= notAfter)
        {
            report.Unhealthy($"The client certificate '{certificate.Subject}' expired on {ProbeReport.FormatDate(notAfter)}: the server will refuse it; renew it.");
        }
        else if (notAfter - now <= _options.ExpiryWarning)
        {
            report.Degraded($"The client certificate '{certificate.Subject}' expires on {ProbeReport.FormatDate(notAfter)} ({Days(notAfter - now)}): renew it.");
        }
    }

    private void AddCertificateFindings(ProbeReport report, ServerCertificateCheck check)
    {
        foreach (var (key, value) in check.Data)
        {
            report.Data[key] = value;
        }

        if (!check.Accepted || check.EarliestExpiry is not { } expiry)
        {
            return;
        }

        var left = expiry - _time.GetUtcNow();
        if (left <= _options.ExpiryWarning)
        {
            report.Degraded(
                $"The server's certificate chain expires on {ProbeReport.FormatDate(expiry)} ({Days(left)}, within ExpiryWarning of {ProbeReport.FormatTimeSpan(_options.ExpiryWarning)}): "
                + $"renew '{check.EarliestExpirySubject}' before peers refuse it.");
        }
    }

    private static string Rejection(ServerCertificateCheck check) =>
        string.Join("; ", new[] { check.TimeProblem, check.TrustProblem, check.NameProblem }.OfType<string>().DefaultIfEmpty("the certificate was not accepted"));

    private string TrustSummary(ServerCertificateCheck check) => check.TrustedBy is { } by && check.NameProblem is null
        ? $"trusted by the {by} for '{TargetHost}'"
        : $"accepted only because AllowUntrusted is set ({string.Join("; ", new[] { check.TrustProblem, check.NameProblem }.OfType<string>())})";

    private string HandshakeFailure(string endpoint, Exception e, ClientCertificate? client, ServerCertificateCheck check)
    {
        var reason = Innermost(e).Message;
        if (!check.Invoked)
        {
            return $"TLS handshake with {endpoint} failed before the server's certificate arrived: {reason}. "
                   + "Is this a TLS port, and do the TLS versions and cipher suites overlap (Corda's brokers speak TLS 1.2)?";
        }

        return $"TLS handshake with {endpoint} failed after the server's certificate was accepted: {reason}. {ClientCertificateHint(client)}";
    }

    private static string ClientCertificateHint(ClientCertificate? client) => client is null
        ? "The server probably requires a client certificate (mutual TLS): set ClientCertificatePath."
        : $"The server probably does not accept the client certificate '{client.Certificate.Subject}' (issued by '{client.Certificate.Issuer}'): check that it trusts that issuer.";

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }

    private static string Days(TimeSpan left) =>
        left.TotalDays >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"in {Math.Floor(left.TotalDays):0} days")
            : string.Create(CultureInfo.InvariantCulture, $"in {Math.Max(0, left.TotalHours):0.#} hours");

    private static string ProtocolName(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls12 => "TLS 1.2",
        SslProtocols.Tls13 => "TLS 1.3",
        _ => protocol.ToString(),
    };
}
