namespace Corda.HighAvailability.Probes.Tcp;

/// <summary>Options of <see cref="TcpProbeHealthCheck"/>: where to connect, and how long to wait.</summary>
public sealed class TcpProbeOptions
{
    /// <summary>The default of <see cref="Timeout"/>: 2 s.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The host name or IP address to connect to, for example the node's P2P or RPC address. Required.</summary>
    public string Host { get; set; } = string.Empty;

    /// <summary>The TCP port, 1-65535 (Corda's examples use 10002 for P2P and 10003 for RPC). Required.</summary>
    public int Port { get; set; }

    /// <summary>
    /// How long name resolution plus the connection may take before the probe reports the endpoint unreachable;
    /// default 2 s. Keep it below the health check registration's own timeout so that the probe, not the health
    /// check service, reports the reason.
    /// </summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;
}
