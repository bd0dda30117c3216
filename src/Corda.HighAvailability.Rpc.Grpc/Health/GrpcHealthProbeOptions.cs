using System.Security.Cryptography.X509Certificates;

namespace Corda.HighAvailability.Rpc.Grpc.Health;

/// <summary>
/// Options of <see cref="GrpcHealthProbeHealthCheck"/>: the server's address, the service asked about, the timeout,
/// and TLS for <c>https://</c> (the same settings, with the same meaning, as <see cref="GrpcRpcTransportOptions"/>).
/// </summary>
/// <remarks>
/// Certificates are named by subject and thumbprint only: nothing of a private key goes into results, logs or
/// validation messages.
/// </remarks>
public sealed class GrpcHealthProbeOptions
{
    /// <summary>The default of <see cref="Timeout"/>: 2 s.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The gRPC server: <c>http://host:port</c> (HTTP/2 without TLS) or <c>https://host:port</c>, for example the RPC
    /// proxy in front of a node. Required; no user information (gRPC has no use for it).
    /// </summary>
    public Uri? Address { get; set; }

    /// <summary>
    /// The service name asked about (<c>grpc.health.v1.HealthCheckRequest.service</c>); the empty string (default) is
    /// the server's overall health, by the health protocol's convention.
    /// </summary>
    public string Service { get; set; } = string.Empty;

    /// <summary>
    /// The deadline of one probe, including the connection (and TLS handshake) when one has to be made; default 2 s.
    /// Keep it below the health check registration's own timeout so that the probe, not the health check service,
    /// reports the reason.
    /// </summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>
    /// The certificate authorities the server's certificate must chain to, <em>instead of</em> the operating system's
    /// trust store, as <see cref="GrpcRpcTransportOptions.TrustedCertificateAuthorities"/>. Empty (the default): the
    /// system store. Needs an <c>https://</c> <see cref="Address"/>.
    /// </summary>
    public X509Certificate2Collection TrustedCertificateAuthorities { get; } = [];

    /// <summary>
    /// The client certificate, with its private key, for a server that requires mutual TLS, as
    /// <see cref="GrpcRpcTransportOptions.ClientCertificate"/>; default none. Needs an <c>https://</c> <see cref="Address"/>.
    /// </summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>Whether a TLS setting is made (they need an <c>https://</c> address).</summary>
    internal bool HasTlsSettings => ClientCertificate is not null || TrustedCertificateAuthorities.Count > 0;

    /// <summary>The TLS settings in the transport's own options, so that its TLS helpers (and their error texts) serve the probe too.</summary>
    internal GrpcRpcTransportOptions ToTransportOptions()
    {
        var transport = new GrpcRpcTransportOptions { ClientCertificate = ClientCertificate, ConnectTimeout = Timeout };
        transport.TrustedCertificateAuthorities.AddRange(TrustedCertificateAuthorities);
        return transport;
    }

    /// <summary>The address as shown in results and messages: scheme, host and port, never user information.</summary>
    internal static string Display(Uri address) =>
        address.IsAbsoluteUri ? $"{address.Scheme}://{HostPort(address)}" : "(a relative address)";

    /// <summary><c>host:port</c>, an IPv6 address in brackets.</summary>
    internal static string HostPort(Uri address) =>
        address.HostNameType == UriHostNameType.IPv6 ? $"[{address.IdnHost}]:{address.Port}" : $"{address.IdnHost}:{address.Port}";
}
