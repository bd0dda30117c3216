using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Corda.HighAvailability.Rpc.Grpc;

/// <summary>How <see cref="GrpcRpcTransport{TClient}"/> builds each channel.</summary>
/// <remarks>
/// TLS: <c>https://</c> endpoints are checked against the operating system's trust store by default. For a private PKI
/// (the usual gateway to node-side RPC proxy link), set <see cref="TrustedCertificateAuthorities"/> and, for mutual
/// TLS, <see cref="ClientCertificate"/>; for anything else (pinning, protocols, cipher suites, revocation, a client
/// certificate chain, a certificate re-read from disk for each connection) use <see cref="ServerCertificateValidation"/>
/// or <see cref="ConfigureSsl"/>. The TLS settings apply to <c>https://</c> endpoints only. Private keys are never
/// logged nor put in messages: certificates are named by subject and thumbprint.
/// </remarks>
public sealed class GrpcRpcTransportOptions
{
    /// <summary>The longest accepted interval or timeout: one hour.</summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromHours(1);

    /// <summary>
    /// How long the HTTP/2 connection may be idle before the client sends a keep-alive ping. Pings are what find a
    /// dead server on an idle connection (a killed host sends no FIN). Default 10 seconds.
    /// </summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a keep-alive ping may go unanswered before the connection is dropped. Default 5 seconds.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long establishing the TCP (and TLS) connection may take. Default 5 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The largest message the client accepts, in bytes; <see langword="null"/> for gRPC's default (4 MB).</summary>
    public int? MaxReceiveMessageSize { get; set; }

    /// <summary>
    /// The client certificate presented for mutual TLS, with its private key; default none. It is sent whenever the
    /// server asks for one. It must be valid now (checked at start, naming this option).
    /// </summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>
    /// The certificate authorities the server's certificate must chain to, <em>instead of</em> the operating system's
    /// trust store (a private CA is not in any system store, and a link to a node should not trust every public CA).
    /// Empty (the default): the system store. The server's name and the dates are checked either way.
    /// </summary>
    public X509Certificate2Collection TrustedCertificateAuthorities { get; } = [];

    /// <summary>
    /// Decides whether the server's certificate is accepted, replacing the default decision (accept only without
    /// <see cref="SslPolicyErrors"/>); it gets the errors the platform found. For pinning or custom checks. Not together
    /// with <see cref="TrustedCertificateAuthorities"/>. Default none.
    /// </summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; set; }

    /// <summary>
    /// Adjusts the TLS client options of each new connection, after the settings above are applied: protocols,
    /// cipher suites, revocation checks, a <see cref="SslClientAuthenticationOptions.ClientCertificateContext"/> with
    /// intermediates, or a certificate loaded afresh (so that rotated files are used from the next connection on).
    /// Runs once per connection attempt to an <c>https://</c> endpoint. Default none.
    /// </summary>
    public Action<SslClientAuthenticationOptions>? ConfigureSsl { get; set; }

    /// <summary>Whether any TLS setting is made (they need <c>https://</c> endpoints).</summary>
    internal bool HasTlsSettings =>
        ClientCertificate is not null || TrustedCertificateAuthorities.Count > 0 || ServerCertificateValidation is not null || ConfigureSsl is not null;

    /// <summary>
    /// Whether each connection watches the server's standard health service (<c>grpc.health.v1.Health/Watch</c>, a
    /// server stream held open for the connection's life). With the watch, a connect attempt completes only once the
    /// service reports <c>SERVING</c> (a server reporting anything else is left for the next endpoint), and the
    /// connection is lost as soon as the stream fails or ends (a killed server: at once; a silent host: after the
    /// keep-alive ping's delay and timeout, since the stream keeps the HTTP/2 connection that pings run on open) or
    /// the service reports <c>NOT_SERVING</c> or <c>SERVICE_UNKNOWN</c>. Default
    /// <see cref="GrpcHealthWatchMode.WhenAvailable"/>: servers without the health service keep working, without the watch.
    /// </summary>
    public GrpcHealthWatchMode HealthWatch { get; set; } = GrpcHealthWatchMode.WhenAvailable;

    /// <summary>
    /// The service name the watch asks about; the empty string (default) is the server's overall health, by the
    /// health protocol's convention.
    /// </summary>
    public string HealthService { get; set; } = string.Empty;
}
