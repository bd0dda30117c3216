using System.Security.Authentication;

namespace Corda.HighAvailability.Probes.Tls;

/// <summary>
/// Options of <see cref="TlsProbeHealthCheck"/>: the endpoint, the name to check, whom to trust, an optional client
/// certificate for mutual TLS, and when an expiring certificate makes the probe Degraded.
/// </summary>
/// <remarks>
/// Certificate files are read on every probe, so renewed files are picked up without a restart; a file that is missing
/// or unreadable makes the probe Unhealthy, naming the file. Passwords are never logged nor put in results.
/// </remarks>
public sealed class TlsProbeOptions
{
    /// <summary>The default of <see cref="Timeout"/>: 5 s.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The default of <see cref="ExpiryWarning"/>: 30 days.</summary>
    public static readonly TimeSpan DefaultExpiryWarning = TimeSpan.FromDays(30);

    /// <summary>The host name or IP address to connect to. Required.</summary>
    public string Host { get; set; } = string.Empty;

    /// <summary>The TCP port, 1-65535. Required.</summary>
    public int Port { get; set; }

    /// <summary>
    /// The name sent as SNI and that the server's certificate must be valid for; default <see cref="Host"/>. Set it when
    /// connecting by address or through a load balancer to a certificate issued for another name.
    /// </summary>
    public string? TargetHost { get; set; }

    /// <summary>How long the connection plus the TLS handshake may take; default 5 s.</summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>
    /// The probe is Degraded when a certificate of the server's chain (or the client certificate) expires within this
    /// time, so that it is renewed before peers start refusing it; default 30 days. Zero reports only expired ones.
    /// </summary>
    public TimeSpan ExpiryWarning { get; set; } = DefaultExpiryWarning;

    /// <summary>
    /// The client certificate for mutual TLS: a PKCS#12 (PFX) file, or a PEM file holding the certificate (then its
    /// issuers, sent to the server as the chain) with its key in <see cref="ClientCertificateKeyPath"/> or in the same
    /// file. The format is recognised from the contents. Default none.
    /// </summary>
    public string? ClientCertificatePath { get; set; }

    /// <summary>The PEM private key of a PEM <see cref="ClientCertificatePath"/>, when not in the same file.</summary>
    public string? ClientCertificateKeyPath { get; set; }

    /// <summary>The password of a PFX file or of an encrypted PEM key. Never logged nor reported.</summary>
    public string? ClientCertificatePassword { get; set; }

    /// <summary>
    /// A PEM file of CA certificates trusted in addition to the operating system's store, for example a Corda network's
    /// root (which is not in any system store). Default none: the system store only.
    /// </summary>
    public string? TrustedCaBundlePath { get; set; }

    /// <summary>
    /// Certificate thumbprints, SHA-256 (64 hex digits) or SHA-1 (40), trusted in addition to the stores: the server is
    /// trusted when its own certificate, or a certificate of the chain that certificate verifiably chains to, has one
    /// of them. Colons and spaces are ignored, case too. The name and the dates are still checked.
    /// </summary>
    public ISet<string> PinnedThumbprints { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Accept a certificate that is not trusted or not valid for <see cref="TargetHost"/>, reporting why in the data and
    /// description instead of failing. For labs only; default <see langword="false"/>. An expired or not yet valid
    /// certificate still makes the probe Unhealthy, since peers refuse it.
    /// </summary>
    public bool AllowUntrusted { get; set; }

    /// <summary>The TLS versions offered; default <see cref="SslProtocols.None"/>, the operating system's choice. Corda's brokers speak TLS 1.2.</summary>
    public SslProtocols EnabledProtocols { get; set; } = SslProtocols.None;
}
