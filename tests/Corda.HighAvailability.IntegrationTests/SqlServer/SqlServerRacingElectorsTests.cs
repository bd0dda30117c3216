using System.Data.Common;
using Corda.HighAvailability.IntegrationTests.Infrastructure;
using Corda.HighAvailability.LeaseElection;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.DependencyInjection;
using static Corda.HighAvailability.IntegrationTests.SqlServer.SqlServerTestEnvironment;

namespace Corda.HighAvailability.IntegrationTests.SqlServer;

/// <summary>
/// The racing-electors scenario on a real SQL Server or Azure SQL database: eight hosts, leaders taken down one after
/// another, no two leading at once and no fenced write going back in epoch. SQL Server cannot run on the development
/// machine, so this runs only when CORDA_HA_TEST_SQLSERVER holds a connection string, and is reported as skipped,
/// with the reason, otherwise. The lease table and the write log get names of their own, dropped afterwards.
/// </summary>
public sealed class SqlServerRacingElectorsTests : RacingElectorsTests, IAsyncDisposable
{
    private readonly string _leaseTable = "corda_ha_race_" + Guid.NewGuid().ToString("N")[..10];

    // IDENTITY values are drawn at insert, but the fence's shared lock on the lease row (HOLDLOCK, held to the commit)
    // makes a new holder's takeover wait for the old holder's fenced transaction, so the order of seq is the order in
    // which terms wrote, as with bigserial on PostgreSQL. The base class writes to race_writes.
    protected override string WriteLogDdl => """
        IF OBJECT_ID(N'race_writes', N'U') IS NOT NULL DROP TABLE race_writes;
        CREATE TABLE race_writes (seq bigint IDENTITY(1,1) PRIMARY KEY, holder nvarchar(255) NOT NULL, epoch bigint NOT NULL);
        """;

    protected override Task<string> PrepareDatabaseAsync()
    {
        Assert.SkipUnless(IsAvailable, SkipReason);
        return Task.FromResult(ConnectionString!);
    }

    protected override LeaseElectionBuilder UseDatabase(LeaseElectionBuilder builder, string connectionString) =>
        builder.UseSqlServer(connectionString, o => o.TableName = _leaseTable);

    protected override async Task<DbConnection> OpenAsync(string connectionString)
    {
        var connection = new SqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (!IsAvailable)
        {
            return;
        }

        await using var connection = new SqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new SqlCommand(
            $"IF OBJECT_ID(N'dbo.{_leaseTable}', N'U') IS NOT NULL DROP TABLE dbo.{_leaseTable}; IF OBJECT_ID(N'race_writes', N'U') IS NOT NULL DROP TABLE race_writes;",
            connection);
        await command.ExecuteNonQueryAsync();
    }
}
