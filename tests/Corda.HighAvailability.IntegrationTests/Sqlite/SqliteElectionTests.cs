using Corda.HighAvailability.LeaseElection;
using Corda.HighAvailability.LeaseElection.Policies;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Corda.HighAvailability.IntegrationTests.Sqlite;

/// <summary>The elector on a real DI host over a real SQLite file.</summary>
public sealed class SqliteElectionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("corda-ha-sqlite-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string ConnectionString => $"Data Source={Path.Combine(_directory, "ha.db")}";

    [Fact]
    public async Task A_leader_that_cannot_write_to_the_database_stops_leading_before_its_lease_lapses()
    {
        using var host = BuildHost();
        var elector = host.Services.GetRequiredService<ILeaseElector>();
        var stepDown = new TaskCompletionSource<(LeadershipTransitionKind Kind, bool StillValid, long Epoch)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await host.StartAsync(Ct);
        var token = await elector.WaitForLeadershipAsync(Ct).WaitAsync(TimeSpan.FromSeconds(20), Ct);

        // Another process holds SQLite's write lock: every renewal now fails with SQLITE_BUSY after its timeout.
        await using var blocker = new SqliteConnection(ConnectionString + ";Pooling=False");
        await blocker.OpenAsync(Ct);
        await using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE";
            await begin.ExecuteNonQueryAsync(Ct);
        }

        elector.StoppedLeading += (_, e) =>
        {
            // At the moment the leader gives up, the database must still show its grant as valid: nobody else
            // could have taken the lease yet.
            using var check = blocker.CreateCommand();
            check.CommandText = "SELECT expires_at > CAST(ROUND((julianday('now') - 2440587.5) * 86400000.0) AS INTEGER), epoch FROM corda_ha_lease WHERE lease_name = 'sqlite-node'";
            using var reader = check.ExecuteReader();
            reader.Read();
            stepDown.TrySetResult((e.Kind, reader.GetBoolean(0), reader.GetInt64(1)));
        };

        var (kind, stillValid, epoch) = await stepDown.Task.WaitAsync(TimeSpan.FromSeconds(20), Ct);

        Assert.Equal(LeadershipTransitionKind.Lost, kind);
        Assert.Equal(token.Epoch, epoch);
        Assert.True(stillValid, "the leader was still leading when its lease lapsed");
        Assert.False(elector.IsLeader);
        await using (var rollback = blocker.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync(Ct);
        }

        await host.StopAsync(Ct);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private IHost BuildHost()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddCordaHa(ha => ha
            .AddLeaseElection(o =>
            {
                o.LeaseName = "sqlite-node";
                o.Identity = "a";
                o.LeaseDuration = TimeSpan.FromSeconds(4);
                o.RenewDeadline = TimeSpan.FromSeconds(2.5);
                o.RetryPeriod = TimeSpan.FromSeconds(0.5);
                o.AutoCreateSchema = true;
            })
            .UseSqlite(ConnectionString, o => o.CommandTimeout = TimeSpan.FromSeconds(1)));
        return builder.Build();
    }
}
