namespace Corda.HighAvailability.Artemis.Jolokia;

/// <summary>
/// Attribute names of Artemis' ActiveMQServerControl and QueueControl, as JMX exposes them (getter names without
/// get/is). See docs/artemis-management.md for their meaning and types.
/// </summary>
internal static class ArtemisAttributes
{
    /// <summary>boolean: the server is active (a passive backup is not).</summary>
    public const string Active = "Active";

    /// <summary>boolean: the server is started.</summary>
    public const string Started = "Started";

    /// <summary>boolean: the server is a backup.</summary>
    public const string Backup = "Backup";

    /// <summary>boolean: the initial replication synchronisation is complete.</summary>
    public const string ReplicaSync = "ReplicaSync";

    /// <summary>int: memory used by all addresses, as a percentage of global-max-size.</summary>
    public const string AddressMemoryUsagePercentage = "AddressMemoryUsagePercentage";

    /// <summary>double: the fraction (0 to 1) of the journal's disk store in use.</summary>
    public const string DiskStoreUsage = "DiskStoreUsage";

    /// <summary>String: the broker's version.</summary>
    public const string Version = "Version";

    /// <summary>long: the messages in a queue (QueueControl).</summary>
    public const string MessageCount = "MessageCount";
}
