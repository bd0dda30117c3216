using System.Buffers;
using System.Data;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Corda.HighAvailability.Checkpoints;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Corda.HighAvailability.Benchmarks.Checkpoints;

/// <summary>
/// Verification throughput against a plain streaming read of the same rows on the same server in the same process:
/// the goal (issue) is that verifying costs at most 1.15 × reading. Each operation reads every row once (about
/// 1.8 GB at 100,000 flows) and checks that it did.
/// </summary>
/// <remarks>
/// <c>CORDA_HA_BENCH_CHECKPOINTS</c> sets the flow count (default 100,000; e.g. 5000 for a quick run).
/// <c>CORDA_HA_BENCH_POSTGRES</c> uses an existing server (the schema <c>corda_ha_bench_ckpt</c> is created and dropped).
/// </remarks>
[Config(typeof(CheckpointBenchmarkConfig))]
[MemoryDiagnoser]
public class CheckpointVerificationBenchmarks
{
    private const string Schema = "corda_ha_bench_ckpt";

    private ThrowawayPostgres? _postgres;
    private NpgsqlDataSource _dataSource = null!;
    private ServiceProvider _services = null!;
    private ICheckpointVerifier _verifier = null!;
    private CheckpointBenchmarkData _data = null!;

    /// <summary>Flows (one row in each of node_checkpoints, node_checkpoint_blobs, node_flow_metadata; 1 % also in node_flow_exceptions).</summary>
    [ParamsSource(nameof(FlowCounts))]
    public int Flows { get; set; }

    public static IEnumerable<int> FlowCounts() =>
        [int.Parse(Environment.GetEnvironmentVariable("CORDA_HA_BENCH_CHECKPOINTS") ?? "100000", CultureInfo.InvariantCulture)];

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    /// <summary>
    /// The floor: the verifier's own SELECT of node_checkpoint_blobs (same columns, same ORDER BY, SequentialAccess),
    /// every blob byte streamed into one pooled buffer, nothing decoded.
    /// </summary>
    [Benchmark(Baseline = true, Description = "Plain read of node_checkpoint_blobs")]
    public async Task<long> PlainReadBlobTable()
    {
        var rows = await ReadTableAsync($"SELECT flow_id, checkpoint_value, flow_state FROM {Schema}.node_checkpoint_blobs ORDER BY flow_id COLLATE \"C\"");
        return rows == Flows ? rows : throw new InvalidOperationException($"Read {rows} blob rows, expected {Flows}.");
    }

    /// <summary>The five SELECTs the verifier runs, each on its own connection at once, read the same way: the I/O of verification without the merge and the decoding.</summary>
    [Benchmark(Description = "Plain read of all five tables")]
    public async Task<long> PlainReadAllTables()
    {
        string Select(string columns, string table) => $"SELECT flow_id, {columns} FROM {Schema}.{table} ORDER BY flow_id COLLATE \"C\"";
        var counts = await Task.WhenAll(
            ReadTableAsync(Select("status", "node_checkpoints")),
            ReadTableAsync(Select("checkpoint_value, flow_state", "node_checkpoint_blobs")),
            ReadTableAsync(Select("finish_time, flow_parameters", "node_flow_metadata")),
            ReadTableAsync(Select("result_value", "node_flow_results")),
            ReadTableAsync(Select("exception_value", "node_flow_exceptions")));
        return counts[1] == Flows ? counts.Sum() : throw new InvalidOperationException($"Read {counts[1]} blob rows, expected {Flows}.");
    }

    /// <summary>The real verifier, default options but Parallelism = processor count: merge, rules, every blob decoded.</summary>
    [Benchmark(Description = "VerifyToReportAsync")]
    public async Task<long> Verify()
    {
        var report = await _verifier.VerifyToReportAsync();
        var blobs = (3L * Flows) + (Flows / CheckpointBenchmarkData.HospitalizedEvery);
        return report.FlowsChecked == Flows && report.BlobsChecked == blobs && report.Findings.Count == 0
            ? report.BlobsChecked
            : throw new InvalidOperationException(
                $"Verified {report.FlowsChecked} flows and {report.BlobsChecked} blobs (expected {Flows} and {blobs}) with {report.Findings.Count} findings: {report.Findings.FirstOrDefault()?.Message}");
    }

    private async Task<long> ReadTableAsync(string sql)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync();
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess);
            long rows = 0;
            while (await reader.ReadAsync())
            {
                _ = reader.GetString(0);
                for (var column = 1; column < reader.FieldCount; column++)
                {
                    if (await reader.IsDBNullAsync(column) || reader.GetFieldType(column) != typeof(byte[]))
                    {
                        continue;
                    }

                    await using var stream = reader.GetStream(column);
                    while (await stream.ReadAsync(buffer) > 0)
                    {
                    }
                }

                rows++;
            }

            return rows;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task SetupAsync()
    {
        var existing = Environment.GetEnvironmentVariable("CORDA_HA_BENCH_POSTGRES");
        string connectionString;
        if (string.IsNullOrEmpty(existing))
        {
            _postgres = ThrowawayPostgres.Start();
            connectionString = _postgres.ConnectionString;
        }
        else
        {
            connectionString = existing;
        }

        _dataSource = NpgsqlDataSource.Create(connectionString);
        _data = CheckpointBenchmarkData.For(Flows);
        var tables = new CordaTables(connectionString, Schema);
        await tables.ExecuteAsync($"DROP SCHEMA IF EXISTS {Schema} CASCADE");
        await tables.CreateCorda46Async();
        await using (var connection = await _dataSource.OpenConnectionAsync())
        {
            await CheckpointTableLoader.LoadAsync(connection, Schema, _data);
        }

        var services = new ServiceCollection();
        services.AddCordaHa(ha => ha.AddCheckpointVerification(o =>
        {
            o.SchemaName = Schema;
            o.Parallelism = Environment.ProcessorCount;
        }).UsePostgreSql(connectionString));
        _services = services.BuildServiceProvider();
        _verifier = _services.GetRequiredService<ICheckpointVerifier>();
        Console.WriteLine(
            $"// {Flows} flows, node_checkpoint_blobs {_data.BlobTableBytes / 1e6:F1} MB of blobs ({_data.BlobTableBytes / (double)Flows:F0} B/row), " +
            $"all blob columns {_data.AllBlobBytes / 1e6:F1} MB, parallelism {Environment.ProcessorCount}");
    }

    private async Task CleanupAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        if (_postgres is null && _dataSource is not null)
        {
            await using var connection = await _dataSource.OpenConnectionAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {Schema} CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }

        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        _postgres?.Dispose();
    }
}
