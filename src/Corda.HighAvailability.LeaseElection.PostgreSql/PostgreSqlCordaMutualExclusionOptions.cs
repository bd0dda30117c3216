using Corda.HighAvailability.LeaseElection.CordaMutualExclusion;

namespace Corda.HighAvailability.LeaseElection.PostgreSql;

/// <summary>Options of <see cref="PostgreSqlCordaMutualExclusionReader"/>.</summary>
public sealed class PostgreSqlCordaMutualExclusionOptions
{
    /// <summary>
    /// The Npgsql connection string of the node's database. Required; read-only access to the table is enough. It
    /// is never written to logs or exception messages.
    /// </summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Schema of Corda's table (validated as an identifier). Default <c>public</c>.</summary>
    public string SchemaName { get; set; } = "public";

    /// <summary>Name of Corda's table (validated as an identifier). Default <c>node_mutual_exclusion</c>.</summary>
    public string TableName { get; set; } = CordaMutualExclusionDefaults.TableName;

    /// <summary>
    /// The time zone of the node's database sessions (the JDBC driver uses the JVM's zone), in which Corda's
    /// <c>CURRENT_TIMESTAMP</c> was stored into a column without a zone; the database's clock is read in this zone
    /// (sent as a parameter). Default <see langword="null"/>: this connection's own <c>TimeZone</c> setting.
    /// </summary>
    public string? TimeZone { get; set; }

    /// <summary>How long the query may run. Default 5 s; at least 1 s (Npgsql counts whole seconds).</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
