using System.Data.Common;
using Corda.HighAvailability.Checkpoints.Reading;
using Corda.HighAvailability.Data;
using Microsoft.Data.SqlClient;

namespace Corda.HighAvailability.Checkpoints.SqlServer;

/// <summary>
/// A Corda node's SQL Server database for the checkpoint verifier: connections from SqlClient's pool, tables in
/// <c>dbo</c> by default, and flow ids ordered with a <c>_BIN2</c> collation (code point order, which is ordinal order
/// for Corda's ASCII UUID strings) whatever the database's collation is.
/// </summary>
internal sealed class SqlServerCheckpointDatabase : CheckpointDatabase
{
    // The catalog view and its columns in upper case, as SQL Server defines them: in a database with a case-sensitive
    // collation the lower-case ANSI spelling of the default query does not resolve. Table names compare under the
    // database's collation, and Corda's Liquibase creates them in lower case.
    private static readonly string Columns =
        $"SELECT TABLE_NAME, COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = @schema AND TABLE_NAME IN ({CheckpointTableList})";

    private readonly string _connectionString;
    private readonly string _collation;

    public SqlServerCheckpointDatabase(SqlServerCheckpointOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ConnectionString);
        _connectionString = options.ConnectionString;
        _collation = SqlIdentifier.Validate(options.BinaryCollation, nameof(SqlServerCheckpointOptions) + "." + nameof(SqlServerCheckpointOptions.BinaryCollation));
    }

    public override string ProviderName => "sqlserver";

    public override string DefaultSchema => "dbo";

    public override string ColumnsQuery => Columns;

    public override string SchemaParameterName => "@schema";

    public override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqlConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override string OrderByBinary(string column) => $"{column} COLLATE {_collation}";
}
