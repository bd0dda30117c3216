namespace Corda.HighAvailability.Checkpoints.SqlServer;

/// <summary>Options of the checkpoint verifier's SQL Server connection.</summary>
public sealed class SqlServerCheckpointOptions
{
    /// <summary>The collation <see cref="BinaryCollation"/> defaults to.</summary>
    public const string DefaultBinaryCollation = "Latin1_General_BIN2";

    /// <summary>
    /// The Microsoft.Data.SqlClient connection string, e.g.
    /// <c>Server=db;Database=corda;User ID=corda_ha;Encrypt=True</c>. Required. It is never written to logs or
    /// exception messages, because it may carry a password.
    /// </summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// The collation that flow ids are ordered by, so that the server returns rows in the same (ordinal) order as
    /// the verifier's merge compares them, whatever the database's collation is. It must be a <c>_BIN2</c> collation
    /// (code point order). Default <c>Latin1_General_BIN2</c>.
    /// </summary>
    public string BinaryCollation { get; set; } = DefaultBinaryCollation;
}
