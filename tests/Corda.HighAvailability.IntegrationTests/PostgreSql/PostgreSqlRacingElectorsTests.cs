using System.Data.Common;
using Corda.HighAvailability.IntegrationTests.Infrastructure;
using Corda.HighAvailability.LeaseElection;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Corda.HighAvailability.IntegrationTests.PostgreSql;

public sealed class PostgreSqlRacingElectorsTests(PostgresServer server) : RacingElectorsTests
{
    // bigserial values are drawn at insert, but the fence's FOR SHARE check on the lease row serialises the fenced
    // transactions of successive holders, so the order of seq is the order in which terms wrote.
    protected override string WriteLogDdl =>
        "CREATE TABLE race_writes (seq bigserial PRIMARY KEY, holder text NOT NULL, epoch bigint NOT NULL)";

    protected override Task<string> PrepareDatabaseAsync() => server.CreateDatabaseAsync("race");

    protected override LeaseElectionBuilder UseDatabase(LeaseElectionBuilder builder, string connectionString) =>
        builder.UsePostgreSql(connectionString);

    protected override async Task<DbConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        return connection;
    }
}
