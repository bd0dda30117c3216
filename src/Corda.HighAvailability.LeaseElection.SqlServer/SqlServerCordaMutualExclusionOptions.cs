using Corda.HighAvailability.LeaseElection.CordaMutualExclusion;

namespace Corda.HighAvailability.LeaseElection.SqlServer;

/// <summary>Options of <see cref="SqlServerCordaMutualExclusionReader"/>.</summary>
public sealed class SqlServerCordaMutualExclusionOptions
{
    /// <summary>
    /// The SqlClient connection string of the node's database. Required; read-only access to the table is enough.
    /// It is never written to logs or exception messages.
    /// </summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Schema of Corda's table (validated as an identifier). Default <c>dbo</c>.</summary>
    public string SchemaName { get; set; } = "dbo";

    /// <summary>Name of Corda's table (validated as an identifier). Default <c>node_mutual_exclusion</c>.</summary>
    public string TableName { get; set; } = CordaMutualExclusionDefaults.TableName;

    /// <summary>How long the query may run. Default 5 s; at least 1 s.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
