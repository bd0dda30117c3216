using System.Data.Common;
using Corda.HighAvailability.IntegrationTests.Infrastructure;
using Corda.HighAvailability.LeaseElection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Corda.HighAvailability.IntegrationTests.Sqlite;

public sealed class SqliteRacingElectorsTests : RacingElectorsTests, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("corda-ha-race-").FullName;

    protected override string WriteLogDdl =>
        "CREATE TABLE race_writes (seq INTEGER PRIMARY KEY AUTOINCREMENT, holder TEXT NOT NULL, epoch INTEGER NOT NULL)";

    protected override Task<string> PrepareDatabaseAsync() =>
        Task.FromResult($"Data Source={Path.Combine(_directory, "race.db")}");

    protected override LeaseElectionBuilder UseDatabase(LeaseElectionBuilder builder, string connectionString) =>
        builder.UseSqlite(connectionString);

    protected override async Task<DbConnection> OpenAsync(string connectionString)
    {
        var connection = new SqliteConnection(connectionString + ";Pooling=False");
        await connection.OpenAsync(Ct);
        return connection;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
