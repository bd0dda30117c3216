using System.Data.Common;
using Corda.HighAvailability.IntegrationTests.Infrastructure;
using Corda.HighAvailability.LeaseElection.Storage;
using Corda.HighAvailability.LeaseElection.Sqlite;
using Microsoft.Data.Sqlite;

namespace Corda.HighAvailability.IntegrationTests.Sqlite;

/// <summary>The lease store contract on a real SQLite file in a temporary directory, deleted afterwards.</summary>
public sealed class SqliteLeaseStoreTests : LeaseStoreContractTests
{
    private readonly string _directory = Directory.CreateTempSubdirectory("corda-ha-sqlite-").FullName;

    private string ConnectionString => new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, "ha.db") }.ToString();

    protected override string OptionsName => nameof(SqliteLeaseStoreOptions);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();

        // Pooled connections keep the file open.
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    protected override ISqlLeaseStore NewStore(string tableName) =>
        new SqliteLeaseStore(new SqliteLeaseStoreOptions { ConnectionString = ConnectionString, TableName = tableName });

    protected override async Task<DbConnection> OpenConnectionAsync()
    {
        var connection = new SqliteConnection(ConnectionString) { DefaultTimeout = 10 };
        await connection.OpenAsync(Ct);
        return connection;
    }
}
