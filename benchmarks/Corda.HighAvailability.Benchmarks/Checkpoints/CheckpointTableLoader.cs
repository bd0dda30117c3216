using Npgsql;
using NpgsqlTypes;

namespace Corda.HighAvailability.Benchmarks.Checkpoints;

/// <summary>
/// Fills Corda's 4.6+ checkpoint tables with binary COPY (one statement per table instead of 100,000 INSERTs), then
/// VACUUM ANALYZE so that the first measured read does not pay for setting hint bits on freshly loaded pages.
/// </summary>
internal static class CheckpointTableLoader
{
    // A fixed time: the benchmark's rows need a value, not the clock.
    private static readonly DateTime Timestamp = new(2026, 11, 26, 12, 0, 0, DateTimeKind.Unspecified);

    public static async Task LoadAsync(NpgsqlConnection connection, string schema, CheckpointBenchmarkData data)
    {
        await CopyAsync(connection, $"COPY {schema}.node_checkpoints (flow_id, status, compatible, progress_step, flow_io_request, timestamp) FROM STDIN (FORMAT BINARY)", All(data), async (w, i) =>
        {
            await w.WriteAsync(data.FlowIds[i], NpgsqlDbType.Varchar);
            await w.WriteAsync(CheckpointBenchmarkData.IsHospitalized(i) ? 3 : 0, NpgsqlDbType.Integer);
            await w.WriteAsync(true, NpgsqlDbType.Boolean);
            await w.WriteAsync("Verifying contract constraints.", NpgsqlDbType.Varchar);
            await w.WriteAsync("Receive", NpgsqlDbType.Varchar);
            await w.WriteAsync(Timestamp, NpgsqlDbType.Timestamp);
        });
        var hmac = new byte[16];
        await CopyAsync(connection, $"COPY {schema}.node_checkpoint_blobs (flow_id, checkpoint_value, flow_state, timestamp, hmac) FROM STDIN (FORMAT BINARY)", All(data), async (w, i) =>
        {
            await w.WriteAsync(data.FlowIds[i], NpgsqlDbType.Varchar);
            await w.WriteAsync(data.CheckpointValue(i), NpgsqlDbType.Bytea);
            await w.WriteAsync(data.FlowState(i), NpgsqlDbType.Bytea);
            await w.WriteAsync(Timestamp, NpgsqlDbType.Timestamp);
            await w.WriteAsync(hmac, NpgsqlDbType.Bytea);
        });
        await CopyAsync(connection, $"COPY {schema}.node_flow_metadata (flow_id, invocation_id, flow_name, flow_identifier, started_type, flow_parameters, cordapp_name, platform_version, started_by, invocation_time, start_time, finish_time) FROM STDIN (FORMAT BINARY)", All(data), async (w, i) =>
        {
            await w.WriteAsync(data.FlowIds[i], NpgsqlDbType.Varchar);
            await w.WriteAsync(data.FlowIds[i], NpgsqlDbType.Varchar);
            await w.WriteAsync("com.example.iou.IOUFlow$Initiator", NpgsqlDbType.Varchar);
            await w.WriteNullAsync();
            await w.WriteAsync(0, NpgsqlDbType.Integer);
            await w.WriteAsync(data.FlowParameter(i), NpgsqlDbType.Bytea);
            await w.WriteAsync("iou-workflows", NpgsqlDbType.Varchar);
            await w.WriteAsync(12, NpgsqlDbType.Integer);
            await w.WriteAsync("user1", NpgsqlDbType.Varchar);
            await w.WriteAsync(Timestamp, NpgsqlDbType.Timestamp);
            await w.WriteAsync(Timestamp, NpgsqlDbType.Timestamp);
            await w.WriteNullAsync();
        });
        await CopyAsync(connection, $"COPY {schema}.node_flow_exceptions (flow_id, type, exception_message, stack_trace, exception_value, timestamp) FROM STDIN (FORMAT BINARY)", Hospitalized(data), async (w, i) =>
        {
            await w.WriteAsync(data.FlowIds[i], NpgsqlDbType.Varchar);
            await w.WriteAsync("net.corda.core.flows.FlowException", NpgsqlDbType.Varchar);
            await w.WriteAsync("Counterparty rejected the proposal.", NpgsqlDbType.Varchar);
            await w.WriteAsync("at com.example.iou.IOUFlow$Acceptor.call(IOUFlow.kt:42)", NpgsqlDbType.Varchar);
            await w.WriteAsync(data.ExceptionValue, NpgsqlDbType.Bytea);
            await w.WriteAsync(Timestamp, NpgsqlDbType.Timestamp);
        });

        foreach (var table in new[] { "node_checkpoints", "node_checkpoint_blobs", "node_flow_metadata", "node_flow_results", "node_flow_exceptions" })
        {
            await using var vacuum = new NpgsqlCommand($"VACUUM ANALYZE {schema}.{table}", connection) { CommandTimeout = 0 };
            await vacuum.ExecuteNonQueryAsync();
        }
    }

    private static IEnumerable<int> All(CheckpointBenchmarkData data) => Enumerable.Range(0, data.Flows);

    private static IEnumerable<int> Hospitalized(CheckpointBenchmarkData data) => All(data).Where(CheckpointBenchmarkData.IsHospitalized);

    private static async Task CopyAsync(NpgsqlConnection connection, string copy, IEnumerable<int> flows, Func<NpgsqlBinaryImporter, int, Task> writeRow)
    {
        await using var writer = await connection.BeginBinaryImportAsync(copy);
        foreach (var flow in flows)
        {
            await writer.StartRowAsync();
            await writeRow(writer, flow);
        }

        await writer.CompleteAsync();
    }
}
