using System.Data.Common;
using Corda.HighAvailability.LeaseElection;
using Corda.HighAvailability.LeaseElection.Fencing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Corda.HighAvailability.IntegrationTests.Infrastructure;

/// <summary>
/// Eight real elector hosts race for one lease while leaders are taken down one after another (half of them
/// without releasing, like a crash). Safety is checked twice: no two live hosts ever believe they lead at the
/// same sampled moment, and in the log of fenced writes (commit order) epochs never go back and each epoch
/// belongs to one holder.
/// </summary>
public abstract class RacingElectorsTests
{
    private const int Candidates = 8;
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(3);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract Task<string> PrepareDatabaseAsync();

    protected abstract LeaseElectionBuilder UseDatabase(LeaseElectionBuilder builder, string connectionString);

    protected abstract Task<DbConnection> OpenAsync(string connectionString);

    /// <summary>DDL of the write log: (seq auto-increment in commit order of the row lock, holder, epoch).</summary>
    protected abstract string WriteLogDdl { get; }

    [Fact]
    public async Task Eight_racing_candidates_never_lead_at_once_and_fenced_writes_never_go_back_in_epoch()
    {
        var connectionString = await PrepareDatabaseAsync();
        await using (var connection = await OpenAsync(connectionString))
        {
            await using var ddl = connection.CreateCommand();
            ddl.CommandText = WriteLogDdl;
            await ddl.ExecuteNonQueryAsync(Ct);
        }

        var hosts = Enumerable.Range(0, Candidates).Select(i => BuildHost(connectionString, i)).ToList();
        using var done = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var writers = new List<Task>();
        try
        {
            await Task.WhenAll(hosts.Select(h => h.StartAsync(Ct)));
            writers.AddRange(hosts.Select(h => Task.Run(() => WriteWhileLeadingAsync(h.Services, done.Token))));
            var live = new List<IHost>(hosts);
            var takenDown = 0;
            var sampler = Task.Run(() => SampleBeliefsAsync(live, done.Token));

            // Take five leaders down, one after another, each after it led (and wrote) for a moment.
            while (takenDown < 5)
            {
                var leader = await WaitForLeaderAsync(live);
                await Task.Delay(300, Ct);
                lock (live)
                {
                    live.Remove(leader);
                }

                await leader.StopAsync(Ct);
                takenDown++;
            }

            await WaitForLeaderAsync(live);
            await Task.Delay(300, Ct);
            await done.CancelAsync();
            Assert.Equal(0, await sampler);
            await Task.WhenAll(writers);
        }
        finally
        {
            await done.CancelAsync();
            foreach (var host in hosts)
            {
                await host.StopAsync(CancellationToken.None);
                host.Dispose();
            }
        }

        var log = await ReadWriteLogAsync(connectionString);
        Assert.NotEmpty(log);
        var highest = 0L;
        var holders = new Dictionary<long, string>();
        foreach (var (holder, epoch) in log)
        {
            Assert.True(epoch >= highest, $"a write of epoch {epoch} was committed after one of epoch {highest}");
            highest = epoch;
            Assert.Equal(holders.TryAdd(epoch, holder) ? holder : holders[epoch], holder);
        }

        Assert.True(holders.Count >= 6, $"expected at least six leadership terms in the log, saw {holders.Count}");
    }

    private IHost BuildHost(string connectionString, int index)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddCordaHa(ha => UseDatabase(
            ha.AddLeaseElection(o =>
            {
                o.LeaseName = "race";
                o.Identity = $"candidate-{index}";
                o.LeaseDuration = LeaseDuration;
                o.RenewDeadline = TimeSpan.FromSeconds(1.5);
                o.RetryPeriod = TimeSpan.FromSeconds(0.3);
                o.AutoCreateSchema = true;
                o.ReleaseOnStop = index % 2 == 0; // odd candidates vanish without releasing, like a crash
            }),
            connectionString));
        return builder.Build();
    }

    private static async Task WriteWhileLeadingAsync(IServiceProvider services, CancellationToken done)
    {
        var elector = services.GetRequiredService<ILeaseElector>();
        var fence = services.GetRequiredService<ILeaseFence>();
        while (!done.IsCancellationRequested)
        {
            if (elector.CurrentLease is { } lease)
            {
                try
                {
                    await fence.ExecuteAsync(async (tx, ct) =>
                    {
                        await using var insert = tx.CreateCommand();
                        insert.CommandText = "INSERT INTO race_writes (holder, epoch) VALUES (@holder, @epoch)";
                        AddParameter(insert, "@holder", lease.HolderId);
                        AddParameter(insert, "@epoch", lease.Epoch);
                        return await insert.ExecuteNonQueryAsync(ct);
                    }, CancellationToken.None);
                }
                catch (LeaseFencedException)
                {
                    // Refused by the database: exactly what a stale leader must get.
                }
                catch (FencedWriteTimeoutException)
                {
                    // Past its time limit on a loaded machine: rolled back, nothing committed; the log stays exact.
                }
                catch (ObjectDisposedException)
                {
                    return; // the host was stopped under us
                }
                catch (DbException) when (done.IsCancellationRequested)
                {
                    return;
                }
            }

            try
            {
                await Task.Delay(20, done);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task<int> SampleBeliefsAsync(List<IHost> live, CancellationToken done)
    {
        var violations = 0;
        while (!done.IsCancellationRequested)
        {
            int leaders;
            lock (live)
            {
                leaders = live.Count(h => h.Services.GetRequiredService<ILeaseElector>().IsLeader);
            }

            violations += leaders > 1 ? 1 : 0;
            try
            {
                await Task.Delay(5, done);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return violations;
    }

    private static async Task<IHost> WaitForLeaderAsync(List<IHost> live)
    {
        var deadline = DateTimeOffset.UtcNow + LeaseDuration * 5;
        while (DateTimeOffset.UtcNow < deadline)
        {
            lock (live)
            {
                if (live.FirstOrDefault(h => h.Services.GetRequiredService<ILeaseElector>().IsLeader) is { } leader)
                {
                    return leader;
                }
            }

            await Task.Delay(20, Ct);
        }

        throw new TimeoutException($"No leader among {live.Count} candidates within {LeaseDuration * 5}.");
    }

    private async Task<List<(string Holder, long Epoch)>> ReadWriteLogAsync(string connectionString)
    {
        await using var connection = await OpenAsync(connectionString);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT holder, epoch FROM race_writes ORDER BY seq";
        await using var reader = await select.ExecuteReaderAsync(Ct);
        var log = new List<(string, long)>();
        while (await reader.ReadAsync(Ct))
        {
            log.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return log;
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
