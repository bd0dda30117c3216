namespace Corda.HighAvailability.LeaseElection.SqlServer;

/// <summary>Options of the SQL Server / Azure SQL lease store.</summary>
public sealed class SqlServerLeaseStoreOptions
{
    /// <summary>
    /// The Microsoft.Data.SqlClient connection string, e.g. <c>Server=db;Database=corda;User ID=corda_ha;Encrypt=true</c>.
    /// Required. It is never written to logs or exception messages, because it may carry a password.
    /// </summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Schema of the lease table (validated as an identifier). Default <c>dbo</c>.</summary>
    public string SchemaName { get; set; } = "dbo";

    /// <summary>Name of the lease table (validated as an identifier). Default <c>corda_ha_lease</c>.</summary>
    public string TableName { get; set; } = LeaseElectionConstants.DefaultTableName;

    /// <summary>
    /// How long one statement may run before it fails. Keep it below the renew deadline. Default 5 s; at least 1 s
    /// (SqlClient counts whole seconds).
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often a waiting standby reads the lease row's revision. SQL Server has no LISTEN/NOTIFY, so a graceful
    /// handover is seen within one poll interval instead of at once; each poll is one primary-key read. Default
    /// 250 ms; between 10 ms and 1 minute.
    /// </summary>
    public TimeSpan ChangePollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How many times a read, acquire, renew or release that failed with a transient error (Azure SQL failover or
    /// throttling, deadlock victim) is sent again. Fenced transactions and forced releases are never retried.
    /// Default 2; between 0 and 10.
    /// </summary>
    public int TransientRetryCount { get; set; } = 2;
}
