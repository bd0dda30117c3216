namespace Corda.HighAvailability.Artemis.Jolokia;

/// <summary>
/// Options of <see cref="JolokiaProbeHealthCheck"/>: where the broker's Jolokia agent is, how to log in, which broker
/// role to expect, and the thresholds on memory, disk and the node's middleware queues.
/// </summary>
/// <remarks>The password is never logged nor put in results.</remarks>
public sealed class JolokiaProbeOptions
{
    /// <summary>The default of <see cref="Timeout"/>: 5 s.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The Jolokia agent's URL: <c>http://host:8161/console/jolokia</c> for a standalone Artemis broker (its web
    /// console), or <c>http://host:port/jolokia/</c> for the agent a Corda node starts in its own JVM when
    /// <c>jmxMonitoringHttpPort</c> is set. http or https; credentials go in <see cref="UserName"/> and
    /// <see cref="Password"/>, never in the URL. Required.
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The user for HTTP basic authentication; default none (no Authorization header is sent).</summary>
    public string? UserName { get; set; }

    /// <summary>The password for HTTP basic authentication. Never logged nor reported.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// The <c>Origin</c> header sent with every request; default the endpoint's scheme, host and port
    /// (<c>http://host:8161</c>). Artemis refuses requests without an Origin its <c>etc/jolokia-access.xml</c>
    /// allows (by default <c>*://localhost*</c>): set this to an allowed origin, or allow the probe's.
    /// </summary>
    public string? Origin { get; set; }

    /// <summary>
    /// The broker's name, the <c>broker</c> key of its MBeans (<c>broker-name</c> in broker.xml; a Corda node's brokers
    /// are <c>P2P</c> and <c>RPC</c>). Default none: the probe finds the broker's MBean itself, and reports it
    /// Unhealthy if there are several (a Corda node has two: name one).
    /// </summary>
    public string? BrokerName { get; set; }

    /// <summary>
    /// This probe runs against the standby of a primary/backup pair, so the broker is expected to be a passive backup:
    /// Backup=true and Active=false are then healthy, and a live broker is Degraded (a failover happened). Default
    /// <see langword="false"/>: a backup is Unhealthy, so that a load balancer never sends traffic to it.
    /// </summary>
    public bool ExpectBackup { get; set; }

    /// <summary>
    /// The broker is in a replicated primary/backup pair, so ReplicaSync=false (the backup has not finished its initial
    /// synchronisation, and a failover now would lose messages) is Degraded. Default <see langword="false"/>: the
    /// attribute is reported but not judged, because a broker without replication always reports false.
    /// </summary>
    public bool ExpectReplication { get; set; }

    /// <summary>AddressMemoryUsagePercentage (of global-max-size) at or above which the probe is Degraded; default 80.</summary>
    public double MemoryWarningPercent { get; set; } = 80;

    /// <summary>
    /// AddressMemoryUsagePercentage at or above which the probe is Unhealthy; default 95. At 100 % Artemis pages,
    /// blocks or drops messages, depending on the address-full policy.
    /// </summary>
    public double MemoryCriticalPercent { get; set; } = 95;

    /// <summary>DiskStoreUsage, as a percentage, at or above which the probe is Degraded; default 80.</summary>
    public double DiskWarningPercent { get; set; } = 80;

    /// <summary>
    /// DiskStoreUsage, as a percentage, at or above which the probe is Unhealthy; default 90, the max-disk-usage that
    /// <c>artemis create</c> writes into broker.xml, where the broker blocks producers.
    /// </summary>
    public double DiskCriticalPercent { get; set; } = 90;

    /// <summary>
    /// Queue-name prefixes and the MessageCount above which a queue of that prefix makes the probe Degraded, for
    /// example <c>p2p.inbound.</c> = 1000 (the node's inbox), <c>internal.peers.</c> = 1000 (messages waiting for a
    /// peer), <c>internal.bridge.</c> = 100. Default none. Every queue of a prefix is read in the same request.
    /// </summary>
    public IDictionary<string, long> QueueThresholds { get; } = new Dictionary<string, long>(StringComparer.Ordinal);

    /// <summary>How long the connection and the request may take; default 5 s.</summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>
    /// For an https endpoint whose certificate a private CA issued: a PEM file of CA certificates trusted in addition
    /// to the operating system's store. Read when the check is created; an unreadable file makes every probe Unhealthy,
    /// naming it. The host name is still checked. Default none: the system store only.
    /// </summary>
    public string? TrustedCaBundlePath { get; set; }
}
