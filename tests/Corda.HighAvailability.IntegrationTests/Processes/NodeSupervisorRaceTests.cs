using Microsoft.Data.Sqlite;
using Npgsql;

namespace Corda.HighAvailability.IntegrationTests.Processes;

/// <summary>
/// Supervisors racing for one lease on a real SQLite file and a real PostgreSQL, their supervisors, nodes and guards
/// taken down with SIGKILL, SIGSTOP and SIGTERM: two stand-in nodes never run at once (see <see cref="NodeSupervisorRace"/>).
/// </summary>
[Collection(ProcessesCollection.Name)]
public sealed class NodeSupervisorRaceTests(PostgresServer server, ITestOutputHelper output)
{
    [Fact]
    public async Task Two_nodes_never_run_at_once_across_supervisor_node_and_guard_faults_on_sqlite()
    {
        using var database = new TempDatabase();
        using var race = new NodeSupervisorRace(
            "sqlite",
            database.ConnectionString,
            () =>
            {
                var connection = new SqliteConnection(new SqliteConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ToString());
                connection.Open();
                return connection;
            },
            output);
        await race.RunAsync();
    }

    [Fact]
    public async Task Two_nodes_never_run_at_once_across_supervisor_node_and_guard_faults_on_postgresql()
    {
        var connectionString = await server.CreateDatabaseAsync("supervisor");
        using var race = new NodeSupervisorRace(
            "postgres",
            connectionString,
            () =>
            {
                var connection = new NpgsqlConnection(connectionString);
                connection.Open();
                return connection;
            },
            output);
        await race.RunAsync();
    }
}
