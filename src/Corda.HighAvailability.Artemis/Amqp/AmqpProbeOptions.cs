using System.Security.Authentication;

namespace Corda.HighAvailability.Artemis.Amqp;

/// <summary>
/// Options of <see cref="AmqpProbeHealthCheck"/>: the broker's AMQP 1.0 address and credentials, the optional address
/// of a round trip, the timeout, and TLS for <c>amqps</c>.
/// </summary>
/// <remarks>
/// Credentials, whether in <see cref="Address"/> or in <see cref="UserName"/>/<see cref="Password"/>, never appear in
/// results, descriptions, logs or validation messages: the address is shown as <c>scheme://host:port</c> only.
/// </remarks>
public sealed class AmqpProbeOptions
{
    /// <summary>The default of <see cref="Timeout"/>: 5 s.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The broker's AMQP 1.0 acceptor: <c>amqp://host:port</c> or <c>amqps://host:port</c> (default ports 5672 and 5671),
    /// optionally with <c>user:password@</c> (URL-encoded). Required.
    /// </summary>
    public string Address { get; set; } = string.Empty;

    /// <summary>The SASL PLAIN user, when not in <see cref="Address"/>. Without a user the probe uses SASL ANONYMOUS.</summary>
    public string? UserName { get; set; }

    /// <summary>The password of <see cref="UserName"/>. Never logged nor reported.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// An address (for Artemis a queue's address, for RabbitMQ <c>/queue/NAME</c>) to which each probe sends a message
    /// and from which it receives it back, measuring the round trip. It should be used by this probe only: another
    /// consumer would take the probe's messages. Default none: each probe then only checks that the broker answers on
    /// the reused connection (it begins and ends a session).
    /// </summary>
    public string? RoundTripAddress { get; set; }

    /// <summary>
    /// How long one probe may take, including opening the connection when it has to; default 5 s. Keep it below the
    /// health check registration's own timeout so that the probe, not the health check service, reports the reason.
    /// </summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>The AMQP container id the probe announces, to tell its connection apart on the broker; default <c>corda-ha-probe-</c> and a random suffix.</summary>
    public string? ContainerId { get; set; }

    /// <summary>The TLS versions offered for <c>amqps</c>; default <see cref="SslProtocols.None"/>, the operating system's choice.</summary>
    public SslProtocols TlsProtocols { get; set; } = SslProtocols.None;

    /// <summary>
    /// For <c>amqps</c>: accept a server certificate that is not trusted or not valid for the host. For labs only;
    /// default <see langword="false"/>. Use the TLS probe to watch the certificate itself.
    /// </summary>
    public bool AllowUntrustedCertificate { get; set; }
}
