namespace Corda.HighAvailability.LeaseElection.Sqlite;

/// <summary>Options of the SQLite lease store.</summary>
public sealed class SqliteLeaseStoreOptions
{
    /// <summary>The SQLite connection string, e.g. <c>Data Source=/var/lib/corda/ha.db</c>. Required.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Name of the lease table (validated as an identifier). Default <c>corda_ha_lease</c>.</summary>
    public string TableName { get; set; } = LeaseElectionConstants.DefaultTableName;

    /// <summary>
    /// How long a statement may wait for SQLite's write lock before it fails. Keep it below the renew deadline.
    /// Default 5 s.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often a waiting standby checks <c>PRAGMA data_version</c> for a commit by another process (SQLite has no
    /// notifications). The check reads a counter in shared memory, not the table. Default 50 ms.
    /// </summary>
    public TimeSpan ChangePollInterval { get; set; } = TimeSpan.FromMilliseconds(50);
}
