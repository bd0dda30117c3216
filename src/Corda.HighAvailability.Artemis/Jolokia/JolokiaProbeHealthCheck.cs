using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Corda.HighAvailability.Probes.Internal;
using Corda.HighAvailability.Probes.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Artemis.Jolokia;

/// <summary>
/// Reads an Artemis broker's management attributes through its Jolokia agent, in one bulk POST per probe over a
/// pooled connection: whether the broker is started, active or a backup, whether its replica is in sync, its memory
/// and disk use, and the MessageCount of the queues whose names start with the configured prefixes. Unhealthy when
/// the broker does not serve clients (not started, not active, an unexpected backup), when memory or disk pass their
/// critical thresholds, or when the agent cannot be reached or refuses the credentials; Degraded for a replica out of
/// sync, memory or disk over their warning thresholds, and queue build-up.
/// </summary>
public sealed class JolokiaProbeHealthCheck : IHealthCheck, IDisposable
{
    /// <summary>The metrics' probe kind.</summary>
    internal const string Kind = "jolokia";

    /// <summary>The largest reply read; a reply that is larger is refused, never buffered whole.</summary>
    internal const int MaxReplyBytes = 8 * 1024 * 1024;

    private readonly JolokiaProbeOptions _options;
    private readonly TimeProvider _time;
    private readonly ProbeMetrics? _metrics;
    private readonly ILogger? _logger;
    private readonly JolokiaRequest _request;
    private readonly HttpClient _client;
    private readonly string _endpoint;
    private readonly string _origin;
    private readonly AuthenticationHeaderValue? _authorization;
    private readonly JolokiaTrust _trust;

    /// <summary>Creates the check, with its own pooled HTTP connection to the agent.</summary>
    /// <param name="options">The agent, the credentials and the thresholds; validated here.</param>
    /// <param name="timeProvider">The clock for the timeout and the latency; default <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="OptionsValidationException">The options are not usable; the message names the option.</exception>
    public JolokiaProbeHealthCheck(JolokiaProbeOptions options, TimeProvider? timeProvider = null)
        : this(options, timeProvider, metrics: null, logger: null)
    {
    }

    internal JolokiaProbeHealthCheck(JolokiaProbeOptions options, TimeProvider? timeProvider, ProbeMetrics? metrics, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new JolokiaProbeOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(JolokiaProbeOptions), validation.Failures);
        }

        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _metrics = metrics;
        _logger = logger;
        _request = JolokiaRequest.Create(options);
        _endpoint = JolokiaRequest.Redacted(options.Endpoint!);
        _origin = options.Origin?.TrimEnd('/') ?? JolokiaRequest.DefaultOrigin(options.Endpoint!);
        _authorization = options.UserName is null
            ? null
            : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.UserName}:{options.Password}")));

        // One pooled connection per check, reused by every probe; recycled now and then so that a DNS change or a
        // load balancer's move is followed. It is kept across the usual probe intervals: a server that closes it
        // when idle first (Jetty's default is 30 s) costs a reconnect, and a request that meets such a close before
        // any reply byte is retried by the handler on a new connection.
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            ConnectTimeout = options.Timeout,
            MaxConnectionsPerServer = 2,

            // A redirect (to a login page, say) is reported, never followed with the credentials.
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.All,
        };
        _trust = new JolokiaTrust(options.TrustedCaBundlePath);
        if (options.TrustedCaBundlePath is not null)
        {
            // Only then: without it the handler's own validation, and its message naming the failure, apply.
            handler.SslOptions.RemoteCertificateValidationCallback = _trust.Validate;
        }
        _client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan, MaxResponseContentBufferSize = MaxReplyBytes };
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = _time.GetTimestamp();
        var result = await ProbeAsync(context.Registration.FailureStatus, cancellationToken).ConfigureAwait(false);
        _metrics?.Probed(Kind, context.Registration.Name, result.Status, _time.GetElapsedTime(started));
        return result;
    }

    /// <summary>Closes the pooled connection.</summary>
    public void Dispose()
    {
        _client.Dispose();
        _trust.Dispose();
    }

    private async Task<HealthCheckResult> ProbeAsync(HealthStatus failureStatus, CancellationToken cancellationToken)
    {
        var report = new ProbeReport();
        report.Data["endpoint"] = _endpoint;
        report.Data["origin"] = _origin;
        report.Data["timeoutMs"] = ProbeReport.Milliseconds(_options.Timeout);
        if (_trust.Problem is { } unusable)
        {
            report.Unhealthy($"{unusable} Fix {nameof(JolokiaProbeOptions)}.{nameof(JolokiaProbeOptions.TrustedCaBundlePath)} and restart.");
            return report.ToResult(failureStatus, string.Empty);
        }

        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.Endpoint) { Content = new ByteArrayContent(_request.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Authorization = _authorization;

        // Artemis' Jolokia refuses requests without an allowed Origin (CORS strict checking in jolokia-access.xml).
        request.Headers.TryAddWithoutValidation("Origin", _origin);
        var started = _time.GetTimestamp();
        byte[] body;
        HttpStatusCode status;
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
            status = response.StatusCode;
            body = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            report.Data["latencyMs"] = ProbeReport.Milliseconds(_time.GetElapsedTime(started));
            report.Data["error"] = "Timeout";
            report.Unhealthy(
                $"No reply from the Jolokia agent at {_endpoint} within {ProbeReport.FormatTimeSpan(_options.Timeout)}: the broker's JVM is " +
                "hung or overloaded, or the host is unreachable.");
            return report.ToResult(failureStatus, string.Empty);
        }
        catch (HttpRequestException e)
        {
            report.Data["latencyMs"] = ProbeReport.Milliseconds(_time.GetElapsedTime(started));
            report.Data["error"] = e.HttpRequestError.ToString();
            report.Unhealthy(Explain(e));
            return report.ToResult(failureStatus, string.Empty, e);
        }

        var latency = _time.GetElapsedTime(started);
        report.Data["latencyMs"] = ProbeReport.Milliseconds(latency);
        report.Data["httpStatus"] = (int)status;
        if (status != HttpStatusCode.OK)
        {
            report.Unhealthy(ExplainStatus(status));
            return report.ToResult(failureStatus, string.Empty);
        }

        string summary;
        try
        {
            summary = Assess(body, report);
        }
        catch (JolokiaRefusedException e)
        {
            report.Data["jolokiaStatus"] = e.Refusal.Status;
            report.Unhealthy(ExplainRefusal(e.Refusal));
            return report.ToResult(failureStatus, string.Empty);
        }
        catch (JolokiaReplyException e)
        {
            if (_logger is not null)
            {
                JolokiaLog.UnusableReply(_logger, _endpoint, e.Message);
            }

            report.Unhealthy(e.Message);
            return report.ToResult(failureStatus, string.Empty);
        }

        return report.ToResult(failureStatus, $"{summary} Read from {_endpoint} in {ProbeReport.FormatMilliseconds(latency)}.");
    }

    private string Assess(byte[] body, ProbeReport report)
    {
        using var reply = JolokiaReply.Parse(body);
        var outcomes = JolokiaReply.Outcomes(reply, _request.Reads.Count);
        var broker = new BrokerAssessment(_options, report);
        if (!broker.FindBroker(outcomes[0]))
        {
            return string.Empty;
        }

        var queues = new QueueAssessment(_options, report);
        for (var i = 1; i < outcomes.Count; i++)
        {
            var read = _request.Reads[i];
            if (read.Kind == JolokiaReadKind.BrokerAttribute)
            {
                broker.Read(read.Subject, outcomes[i]);
            }
            else if (read.Kind == JolokiaReadKind.QueuePrefix && !queues.Read(read.Subject, outcomes[i]))
            {
                broker.NotSupported.Add($"{ArtemisAttributes.MessageCount} of queues");
            }
        }

        var summary = broker.Judge() + queues.Summarize();
        if (broker.NotSupported.Count > 0)
        {
            var missing = string.Join(", ", broker.NotSupported);
            report.Data["notSupported"] = missing;
            summary += $" Not supported by this broker (not judged): {missing}.";
        }

        return summary;
    }

    private string Explain(HttpRequestException e) => e.HttpRequestError switch
    {
        HttpRequestError.ConnectionError =>
            $"No connection to the Jolokia agent at {_endpoint} ({Inner(e)}): the broker (or node) is down, its management port is closed, or a firewall rejects it.",
        HttpRequestError.NameResolutionError =>
            $"The host of {_endpoint} does not resolve ({Inner(e)}): check the name and DNS.",
        HttpRequestError.SecureConnectionError =>
            $"The TLS handshake with {_endpoint} failed ({Inner(e)}): the certificate is not trusted or not valid for the host " +
            $"(a private CA goes in {nameof(JolokiaProbeOptions)}.{nameof(JolokiaProbeOptions.TrustedCaBundlePath)}).",
        HttpRequestError.ConfigurationLimitExceeded =>
            string.Create(CultureInfo.InvariantCulture, $"The reply of {_endpoint} is larger than {MaxReplyBytes / 1024 / 1024} MiB: narrow the queue prefixes."),
        _ => $"The request to the Jolokia agent at {_endpoint} failed: {e.HttpRequestError} ({Inner(e)}).",
    };

    private string ExplainStatus(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized => _authorization is null
            ? $"Credentials refused by {_endpoint} (HTTP 401): the agent requires a user; set {nameof(JolokiaProbeOptions)}.{nameof(JolokiaProbeOptions.UserName)} and {nameof(JolokiaProbeOptions.Password)}."
            : $"Credentials refused by {_endpoint} (HTTP 401) for user '{JolokiaReply.Short(_options.UserName!)}': wrong user name or password.",
        HttpStatusCode.Forbidden =>
            $"Credentials refused or not authorised by {_endpoint} (HTTP 403): the user lacks the management role (Artemis: hawtio.role, amq by default), " +
            $"or the Origin '{JolokiaReply.Short(_origin)}' is not allowed by the broker's jolokia-access.xml (set {nameof(JolokiaProbeOptions)}.{nameof(JolokiaProbeOptions.Origin)} to an allowed one).",
        HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed =>
            $"No Jolokia agent at {_endpoint} (HTTP {(int)status}): check the path (/console/jolokia for a standalone broker, /jolokia/ for a node's agent).",
        >= HttpStatusCode.MultipleChoices and < HttpStatusCode.BadRequest =>
            string.Create(CultureInfo.InvariantCulture, $"{_endpoint} answered a redirect (HTTP {(int)status}), which the probe does not follow: point {nameof(JolokiaProbeOptions)}.{nameof(JolokiaProbeOptions.Endpoint)} at the agent itself."),
        _ => string.Create(CultureInfo.InvariantCulture, $"The Jolokia agent at {_endpoint} answered HTTP {(int)status} ({status})."),
    };

    private string ExplainRefusal(JolokiaOutcome refusal) => refusal.Status == 403
        ? $"The Jolokia agent at {_endpoint} refused the request ({refusal.Describe()}): the Origin '{JolokiaReply.Short(_origin)}' is not " +
          "allowed by the broker's jolokia-access.xml (an Artemis instance allows only *://localhost* by default; set " +
          $"{nameof(JolokiaProbeOptions)}.{nameof(JolokiaProbeOptions.Origin)} to an allowed origin, or allow this one), or the user lacks the management role."
        : $"The Jolokia agent at {_endpoint} refused the request ({refusal.Describe()}).";

    private static string Inner(Exception e)
    {
        var innermost = e;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        return JolokiaReply.Short(innermost.Message);
    }
}
