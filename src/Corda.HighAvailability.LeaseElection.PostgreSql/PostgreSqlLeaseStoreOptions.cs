namespace Corda.HighAvailability.LeaseElection.PostgreSql;

/// <summary>Options of the PostgreSQL lease store.</summary>
public sealed class PostgreSqlLeaseStoreOptions
{
    /// <summary>
    /// The Npgsql connection string, e.g. <c>Host=db;Database=corda;Username=corda_ha</c>. Required. It is never
    /// written to logs or exception messages, because it may carry a password.
    /// </summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Schema of the lease table (validated as an identifier). Default <c>public</c>.</summary>
    public string SchemaName { get; set; } = "public";

    /// <summary>Name of the lease table (validated as an identifier). Default <c>corda_ha_lease</c>.</summary>
    public string TableName { get; set; } = LeaseElectionConstants.DefaultTableName;

    /// <summary>
    /// The LISTEN/NOTIFY channel on which releases are announced (validated as an identifier; PostgreSQL folds it
    /// to lower case like any unquoted identifier). Default <c>corda_ha_lease</c>.
    /// </summary>
    public string NotificationChannel { get; set; } = LeaseElectionConstants.DefaultTableName;

    /// <summary>
    /// Announce releases with <c>pg_notify</c> and let waiting standbys LISTEN for them, so that a graceful
    /// handover takes milliseconds instead of a lease duration. Costs one idle connection per waiting store.
    /// Default <see langword="true"/>.
    /// </summary>
    public bool UseNotifications { get; set; } = true;

    /// <summary>
    /// How long one statement may run before it fails. Keep it below the renew deadline. Default 5 s; at least 1 s
    /// (Npgsql counts whole seconds).
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
