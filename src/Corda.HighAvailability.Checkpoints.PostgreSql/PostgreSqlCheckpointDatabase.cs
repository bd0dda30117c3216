using System.Data.Common;
using Corda.HighAvailability.Checkpoints.Reading;
using Npgsql;

namespace Corda.HighAvailability.Checkpoints.PostgreSql;

/// <summary>
/// A Corda node's PostgreSQL database for the checkpoint verifier: connections from one <see cref="NpgsqlDataSource"/>
/// (disposed with the container), tables in <c>public</c> by default, and flow ids ordered with <c>COLLATE "C"</c>
/// (byte order, which is ordinal order for Corda's ASCII UUID strings) whatever the database's collation is.
/// </summary>
internal sealed class PostgreSqlCheckpointDatabase : CheckpointDatabase, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgreSqlCheckpointDatabase(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    public override string ProviderName => "postgresql";

    public override string DefaultSchema => "public";

    public override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public override string OrderByBinary(string column) => $"{column} COLLATE \"C\"";

    // Any INSERT, UPDATE, DELETE or DDL in the transaction then fails with SQLSTATE 25006.
    public override string? ReadOnlyTransactionStatement => "SET TRANSACTION READ ONLY";

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();
}
