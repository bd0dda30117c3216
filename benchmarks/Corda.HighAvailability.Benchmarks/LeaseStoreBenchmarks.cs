using System.Data.Common;
using BenchmarkDotNet.Attributes;
using Corda.HighAvailability.LeaseElection.Storage;
using Corda.HighAvailability.LeaseElection.PostgreSql;
using Corda.HighAvailability.LeaseElection.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Corda.HighAvailability.Benchmarks;

/// <summary>
/// Cost of one lease-store operation against the cheapest durable write on the same database: a single-row
/// <c>UPDATE t SET v = v + 1 WHERE id = 1</c>, opened from the same connection pool per operation as the stores do.
/// Every operation checks its own outcome, so a benchmark that silently stopped doing the real work fails instead.
/// </summary>
[MemoryDiagnoser]
public class LeaseStoreBenchmarks
{
    private const string HeldLease = "bench-held";
    private const string OtherLease = "bench-other";
    private const string LeaseTable = "corda_ha_bench_lease";
    private const string PlainTable = "corda_ha_bench_t";
    private const string PlainUpdate = $"UPDATE {PlainTable} SET v = v + 1 WHERE id = 1";

    // Long enough that nothing lapses during a run; the duration does not change the statements' cost.
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromHours(1);

    private readonly LeaseHolder _self = new("bench-self", Environment.MachineName, Environment.ProcessId, "bench");
    private readonly LeaseHolder _other = new("bench-other-holder", "elsewhere", 1, "bench");

    private ThrowawayPostgres? _postgres;
    private DirectoryInfo? _sqliteDirectory;
    private NpgsqlDataSource? _npgsql;
    private string _connectionString = string.Empty;
    private DbConnection? _openConnection;
    private DbCommand? _openCommand;
    private ISqlLeaseStore _store = null!;
    private long _revision;
    private LeaseToken _token = null!;

    [Params("sqlite", "postgres")]
    public string Provider { get; set; } = "sqlite";

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, Description = "UPDATE, pooled open per op")]
    public async Task<int> PlainUpdatePooled()
    {
        var connection = await OpenAsync();
        await using (connection)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = PlainUpdate;
            return Expect1(await command.ExecuteNonQueryAsync());
        }
    }

    [Benchmark(Description = "UPDATE, one open connection")]
    public async Task<int> PlainUpdateOpenConnection() => Expect1(await _openCommand!.ExecuteNonQueryAsync());

    [Benchmark(Description = "Renew")]
    public async Task<LeaseAttemptResult> Renew()
    {
        var result = await _store.TryRenewAsync(_token, LeaseDuration, CancellationToken.None);
        return result.Succeeded ? result : throw new InvalidOperationException("Renew of the held lease failed.");
    }

    /// <summary>
    /// A takeover: the compare-and-set on the revision a standby saw lapse. Each call takes the lease over from the
    /// previous call's grant (a new epoch), which is what a standby's acquire costs.
    /// </summary>
    [Benchmark(Description = "Acquire (takeover on the revision seen)")]
    public async Task<LeaseAttemptResult> AcquireTakeover()
    {
        var result = await _store.TryAcquireAsync(HeldLease, _self, LeaseDuration, _revision, CancellationToken.None);
        _token = result.Token ?? throw new InvalidOperationException("The takeover on the expected revision failed.");
        _revision = result.Record!.Revision;
        return result;
    }

    [Benchmark(Description = "Acquire (held by other)")]
    public async Task<LeaseAttemptResult> AcquireHeldByOther()
    {
        var result = await _store.TryAcquireAsync(OtherLease, _self, LeaseDuration, null, CancellationToken.None);
        return result.Succeeded ? throw new InvalidOperationException("Took a lease another holder has.") : result;
    }

    [Benchmark(Description = "Read")]
    public async Task<LeaseRecord> Read() =>
        await _store.ReadAsync(HeldLease, CancellationToken.None) ?? throw new InvalidOperationException("Lease row missing.");

    [Benchmark(Description = "FencedWrite (1-row UPDATE)")]
    public Task<int> FencedWrite() =>
        _store.ExecuteFencedAsync(
            _token,
            TimeSpan.FromSeconds(5),
            async (transaction, cancellationToken) =>
            {
                await using var command = transaction.CreateCommand();
                command.CommandText = PlainUpdate;
                return Expect1(await command.ExecuteNonQueryAsync(cancellationToken));
            },
            CancellationToken.None);

    private async Task SetupAsync()
    {
        if (Provider == "sqlite")
        {
            _sqliteDirectory = Directory.CreateTempSubdirectory("corda-ha-bench-sqlite-");

            // The same string the store builds: pooled connections, the store sets no synchronous mode.
            _connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_sqliteDirectory.FullName, "bench.db"), Pooling = true }.ToString();
            _store = new SqliteLeaseStore(new SqliteLeaseStoreOptions { ConnectionString = _connectionString, TableName = LeaseTable });
        }
        else
        {
            var external = Environment.GetEnvironmentVariable("CORDA_HA_BENCH_POSTGRES");
            if (string.IsNullOrEmpty(external))
            {
                _postgres = ThrowawayPostgres.Start();
                _connectionString = _postgres.ConnectionString;
            }
            else
            {
                _connectionString = external;
            }

            _npgsql = NpgsqlDataSource.Create(_connectionString);
            _store = new PostgreSqlLeaseStore(new PostgreSqlLeaseStoreOptions { ConnectionString = _connectionString, TableName = LeaseTable });
        }

        await _store.EnsureSchemaAsync(CancellationToken.None);
        await using (var connection = await OpenAsync())
        {
            await ExecuteAsync(connection, $"DROP TABLE IF EXISTS {PlainTable}");
            await ExecuteAsync(connection, $"CREATE TABLE {PlainTable} (id INTEGER PRIMARY KEY, v BIGINT NOT NULL)");
            await ExecuteAsync(connection, $"INSERT INTO {PlainTable} (id, v) VALUES (1, 0)");
            await ExecuteAsync(connection, $"DELETE FROM {LeaseTable} WHERE lease_name IN ('{HeldLease}', '{OtherLease}')");
        }

        var held = await _store.TryAcquireAsync(HeldLease, _self, LeaseDuration, null, CancellationToken.None);
        _token = held.Token ?? throw new InvalidOperationException("Could not take the benchmark lease.");
        _revision = held.Record!.Revision;
        if (!(await _store.TryAcquireAsync(OtherLease, _other, LeaseDuration, null, CancellationToken.None)).Succeeded)
        {
            throw new InvalidOperationException("Could not take the other holder's lease.");
        }

        _openConnection = await OpenAsync();
        _openCommand = _openConnection.CreateCommand();
        _openCommand.CommandText = PlainUpdate;

        if (Provider == "sqlite")
        {
            await using var command = _openConnection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode";
            var journal = await command.ExecuteScalarAsync();
            command.CommandText = "PRAGMA synchronous";
            var synchronous = await command.ExecuteScalarAsync();

            // Printed into the benchmark log: WAL, and synchronous 2 = FULL (SQLite's default; the store sets none).
            Console.WriteLine($"// sqlite journal_mode={journal} synchronous={synchronous} (0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA)");
        }
        else
        {
            await using var command = _openConnection.CreateCommand();
            command.CommandText = "SELECT current_setting('fsync') || ' / synchronous_commit=' || current_setting('synchronous_commit') || ' / ' || version()";
            Console.WriteLine($"// postgres fsync={await command.ExecuteScalarAsync()}");
        }
    }

    private async Task CleanupAsync()
    {
        try
        {
            if (_openCommand is not null)
            {
                await _openCommand.DisposeAsync();
            }

            if (_openConnection is not null)
            {
                await _openConnection.DisposeAsync();
            }

            if (_postgres is null && _npgsql is not null)
            {
                // An external server keeps running: leave it as found.
                await using var connection = await OpenAsync();
                await ExecuteAsync(connection, $"DROP TABLE IF EXISTS {PlainTable}");
                await ExecuteAsync(connection, $"DROP TABLE IF EXISTS {LeaseTable}");
            }

            await _store.DisposeAsync();
            if (_npgsql is not null)
            {
                await _npgsql.DisposeAsync();
            }
        }
        finally
        {
            _postgres?.Dispose();
            if (_sqliteDirectory is not null)
            {
                SqliteConnection.ClearAllPools();
                _sqliteDirectory.Delete(recursive: true);
            }
        }
    }

    private async Task<DbConnection> OpenAsync()
    {
        if (_npgsql is not null)
        {
            return await _npgsql.OpenConnectionAsync();
        }

        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static int Expect1(int rows) => rows == 1 ? rows : throw new InvalidOperationException($"Expected one row updated, got {rows}.");
}
