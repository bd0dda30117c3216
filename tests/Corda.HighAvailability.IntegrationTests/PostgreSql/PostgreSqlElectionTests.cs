using System.Diagnostics;
using System.Net;
using Corda.HighAvailability.IntegrationTests.Infrastructure;
using Corda.HighAvailability.LeaseElection;
using Corda.HighAvailability.LeaseElection.Fencing;
using Corda.HighAvailability.LeaseElection.Policies;
using Corda.HighAvailability.LeaseElection.Storage;
using Corda.HighAvailability.LeaseElection.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Corda.HighAvailability.IntegrationTests.PostgreSql;

/// <summary>The elector on real DI hosts against a real PostgreSQL: handover, partition, start-up validation.</summary>
public sealed class PostgreSqlElectionTests(PostgresServer server) : IAsyncLifetime
{
    private static readonly TimeSpan Eventually = TimeSpan.FromSeconds(20);
    private readonly List<IHost> _hosts = [];
    private readonly HashSet<IHost> _started = [];
    private readonly string _leaseName = "node-" + Guid.NewGuid().ToString("N")[..12];
    private string _connectionString = string.Empty;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _connectionString = await server.GetClassDatabaseAsync(GetType());

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            if (!_started.Contains(host))
            {
                // Stopping a host whose start failed throws inside Microsoft.Extensions.Hosting.
                await ((IAsyncDisposable)host).DisposeAsync();
                continue;
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await host.StopAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Stopping hung on a cut connection: disposing below closes everything.
            }

            await ((IAsyncDisposable)host).DisposeAsync();
        }
    }

    [Fact]
    public async Task A_gracefully_stopped_leader_hands_over_in_under_a_second()
    {
        var leader = await StartAsync(_connectionString, "a", Timing(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(1)));
        var leaderToken = await leader.Elector.WaitForLeadershipAsync(Ct).WaitAsync(Eventually, Ct);
        var standby = await StartAsync(_connectionString, "b", Timing(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(1)));
        await PollAsync(() => standby.Elector.ObservedLease?.Holder?.Id == "a", "the standby never saw the leader");
        await ((PostgreSqlLeaseStore)standby.Host.Services.GetRequiredService<ILeaseStore>()).Listening.WaitAsync(Eventually, Ct);
        Assert.False(standby.Elector.IsLeader);
        var takeover = standby.Elector.WaitForLeadershipAsync(Ct);

        await leader.Host.StopAsync(Ct);
        var sinceStop = Stopwatch.StartNew();
        var standbyToken = await takeover.WaitAsync(Eventually, Ct);
        sinceStop.Stop();

        Assert.False(leader.Elector.IsLeader);
        Assert.True(sinceStop.Elapsed < TimeSpan.FromSeconds(1), $"the standby took over {sinceStop.Elapsed} after the leader stopped (lease 5 s)");
        Assert.Equal("b", standbyToken.HolderId);
        Assert.True(standbyToken.Epoch > leaderToken.Epoch);
    }

    [Fact]
    public async Task A_leader_cut_off_from_the_database_stops_leading_before_its_lease_lapses()
    {
        var (proxy, viaProxy) = await StartProxyAsync();
        try
        {
            var timing = Timing(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500));
            var leader = await StartAsync(viaProxy, "a", timing, store => store.CommandTimeout = TimeSpan.FromSeconds(2));
            var leaderToken = await leader.Elector.WaitForLeadershipAsync(Ct).WaitAsync(Eventually, Ct);
            var standby = await StartAsync(_connectionString, "b", timing);
            await PollAsync(() => standby.Elector.ObservedLease?.Holder?.Id == "a", "the standby never saw the leader");

            var stopped = new TaskCompletionSource<LeadershipChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
            leader.Elector.StoppedLeading += (_, e) => stopped.TrySetResult(e);
            await using var check = new NpgsqlConnection(_connectionString);
            await check.OpenAsync(Ct);
            await using var query = new NpgsqlCommand(
                "SELECT holder_id, epoch, expires_at, expires_at > clock_timestamp() FROM public.corda_ha_lease WHERE lease_name = @name",
                check);
            query.Parameters.AddWithValue("name", _leaseName);
            await query.PrepareAsync(Ct);

            proxy.Cut();
            var stop = await stopped.Task.WaitAsync(Eventually, Ct);

            // Read at once, directly: the row must still be the leader's live grant when it stopped leading.
            string holder;
            long epoch;
            DateTimeOffset expiresAt;
            bool live;
            await using (var reader = await query.ExecuteReaderAsync(Ct))
            {
                Assert.True(await reader.ReadAsync(Ct));
                (holder, epoch, expiresAt, live) = (reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetBoolean(3));
            }

            Assert.Equal(LeadershipTransitionKind.Lost, stop.Kind);
            Assert.Equal(leaderToken, stop.Token);
            Assert.False(leader.Elector.IsLeader);
            Assert.Equal("a", holder);
            Assert.Equal(leaderToken.Epoch, epoch);
            Assert.True(live, "the leader was still leading after its lease had lapsed");

            // And the standby, on a working connection, takes over once the lease lapses, never before.
            var standbyToken = await standby.Elector.WaitForLeadershipAsync(Ct).WaitAsync(Eventually, Ct);
            Assert.True(standbyToken.Epoch > leaderToken.Epoch);
            var taken = standby.Elector.ObservedLease!;
            Assert.Equal("b", taken.Holder!.Id);
            Assert.True(taken.AcquiredAt >= expiresAt, $"taken over at {taken.AcquiredAt:O}, before the old grant lapsed at {expiresAt:O}");
        }
        finally
        {
            // Closing the proxy's sockets lets the cut-off host stop promptly.
            await proxy.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_fenced_transaction_cut_off_after_its_check_neither_blocks_the_takeover_nor_commits()
    {
        var (proxy, viaProxy) = await StartProxyAsync();
        try
        {
            var lease = TimeSpan.FromSeconds(3);
            var timing = Timing(lease, TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500));
            var leader = await StartAsync(viaProxy, "a", timing, store => store.CommandTimeout = TimeSpan.FromSeconds(2));
            var leaderToken = await leader.Elector.WaitForLeadershipAsync(Ct).WaitAsync(Eventually, Ct);
            var standby = await StartAsync(_connectionString, "b", timing);
            await PollAsync(() => standby.Elector.ObservedLease?.Holder?.Id == "a", "the standby never saw the leader");
            await using (var create = new NpgsqlConnection(_connectionString))
            {
                await create.OpenAsync(Ct);
                await using var ddl = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS fenced_cut (id text PRIMARY KEY)", create);
                await ddl.ExecuteNonQueryAsync(Ct);
            }

            // The leader's fenced transaction runs its check (FOR SHARE on the lease row), then the network swallows
            // everything after it: the COMMIT never arrives, and the share lock would block every takeover.
            proxy.BlackholeAfter("FOR SHARE"u8);
            var fence = leader.Host.Services.GetRequiredService<ILeaseFence>();
            var write = fence.ExecuteAsync(
                async (tx, ct) =>
                {
                    await using var insert = tx.CreateCommand();
                    insert.CommandText = "INSERT INTO fenced_cut (id) VALUES ('cut-off')";
                    return await insert.ExecuteNonQueryAsync(ct);
                },
                CancellationToken.None);
            await proxy.Triggered.WaitAsync(Eventually, Ct);
            var cutAt = Stopwatch.StartNew();
            proxy.Cut();

            // Without a server-side limit (idle_in_transaction_session_timeout is 0 by default, TCP keepalive 2 h)
            // the standby waits for hours; with it, it takes over within about one lease.
            var standbyToken = await standby.Elector.WaitForLeadershipAsync(Ct).WaitAsync(Eventually, Ct);
            Assert.True(standbyToken.Epoch > leaderToken.Epoch);
            Assert.True(cutAt.Elapsed < lease * 2, $"the takeover took {cutAt.Elapsed.TotalSeconds:0.0} s after the cut");

            await Assert.ThrowsAnyAsync<Exception>(() => write.WaitAsync(Eventually, Ct));
            await using var check = new NpgsqlConnection(_connectionString);
            await check.OpenAsync(Ct);
            await using var count = new NpgsqlCommand("SELECT count(*) FROM fenced_cut", check);
            Assert.Equal(0L, (long)(await count.ExecuteScalarAsync(Ct))!);
        }
        finally
        {
            await proxy.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_host_whose_lease_table_is_missing_fails_at_start_naming_both_remedies()
    {
        var host = Build(_connectionString, "a", options =>
        {
            Timing(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500))(options);
            options.AutoCreateSchema = false;
        }, store => store.TableName = "no_lease_table_here");

        var error = await Assert.ThrowsAsync<LeaseSchemaMissingException>(() => host.StartAsync(Ct));

        Assert.Contains("corda-ha lease schema --provider postgres", error.Message, StringComparison.Ordinal);
        Assert.Contains("AutoCreateSchema", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_renew_deadline_not_shorter_than_the_lease_fails_at_start_up_naming_the_option()
    {
        var host = Build(_connectionString, "a", Timing(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1)));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains("LeaseElectionOptions.RenewDeadline", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_table_name_fails_at_start_up_naming_the_option()
    {
        var host = Build(_connectionString, "a", Timing(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(1)), store => store.TableName = "x-y");

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains("PostgreSqlLeaseStoreOptions.TableName 'x-y' is not a valid SQL identifier", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A TCP proxy to the test database, and a connection string through it with short timeouts.</summary>
    private async Task<(TcpProxy Proxy, string ConnectionString)> StartProxyAsync()
    {
        var direct = new NpgsqlConnectionStringBuilder(_connectionString);
        var target = IPAddress.TryParse(direct.Host, out var address) ? address : (await Dns.GetHostAddressesAsync(direct.Host!, Ct))[0];
        var proxy = new TcpProxy(new IPEndPoint(target, direct.Port));
        var viaProxy = new NpgsqlConnectionStringBuilder(_connectionString)
        {
            Host = IPAddress.Loopback.ToString(),
            Port = proxy.Port,
            Timeout = 2,
            CommandTimeout = 2,
            KeepAlive = 0,
            CancellationTimeout = 500,
        }.ToString();
        return (proxy, viaProxy);
    }

    private Action<LeaseElectionOptions> Timing(TimeSpan leaseDuration, TimeSpan renewDeadline, TimeSpan retryPeriod) => options =>
    {
        options.LeaseName = _leaseName;
        options.LeaseDuration = leaseDuration;
        options.RenewDeadline = renewDeadline;
        options.RetryPeriod = retryPeriod;
        options.ReleaseTimeout = TimeSpan.FromSeconds(2);
        options.AutoCreateSchema = true;
    };

    private async Task<(IHost Host, ILeaseElector Elector)> StartAsync(string connectionString, string identity, Action<LeaseElectionOptions> configure, Action<PostgreSqlLeaseStoreOptions>? store = null)
    {
        var host = Build(connectionString, identity, configure, store);
        await host.StartAsync(Ct);
        _started.Add(host);
        return (host, host.Services.GetRequiredService<ILeaseElector>());
    }

    private IHost Build(string connectionString, string identity, Action<LeaseElectionOptions> configure, Action<PostgreSqlLeaseStoreOptions>? store = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddCordaHa(ha => ha
            .AddLeaseElection(options =>
            {
                configure(options);
                options.Identity = identity;
            })
            .UsePostgreSql(connectionString, store));
        var host = builder.Build();
        _hosts.Add(host);
        return host;
    }

    private static async Task PollAsync(Func<bool> condition, string failure)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < Eventually, failure);
            await Task.Delay(20, Ct);
        }
    }
}
