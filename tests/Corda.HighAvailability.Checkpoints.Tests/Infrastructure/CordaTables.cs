using Corda.HighAvailability.Checkpoints.Rules;
using Npgsql;

namespace Corda.HighAvailability.Checkpoints.Tests.Infrastructure;

/// <summary>
/// Corda's checkpoint tables on PostgreSQL as Liquibase creates them (corda.md §7.1: changelog v19-postgres and
/// v19-keys; before 4.6 only node_checkpoints(checkpoint_id, checkpoint_value)), and rows written the way Corda
/// writes them for each status (§7.3).
/// </summary>
public sealed class CordaTables(string connectionString, string schema)
{
    public string ConnectionString { get; } = connectionString;

    public string Schema { get; } = schema;

    public async Task CreateCorda46Async()
    {
        await ExecuteAsync($"""
            CREATE SCHEMA IF NOT EXISTS {Schema};
            CREATE TABLE {Schema}.node_checkpoints (
                flow_id varchar(64) NOT NULL, status integer NOT NULL, compatible boolean NOT NULL,
                progress_step varchar(256), flow_io_request varchar(128), timestamp timestamp NOT NULL,
                CONSTRAINT node_checkpoints_pk PRIMARY KEY (flow_id));
            CREATE TABLE {Schema}.node_checkpoint_blobs (
                flow_id varchar(64) NOT NULL, checkpoint_value bytea NOT NULL, flow_state bytea,
                timestamp timestamp NOT NULL, hmac bytea NOT NULL);
            CREATE UNIQUE INDEX node_checkpoint_blobs_idx ON {Schema}.node_checkpoint_blobs (flow_id);
            CREATE TABLE {Schema}.node_flow_results (
                flow_id varchar(64) NOT NULL, result_value bytea, timestamp timestamp NOT NULL);
            CREATE UNIQUE INDEX node_flow_results_idx ON {Schema}.node_flow_results (flow_id);
            CREATE TABLE {Schema}.node_flow_exceptions (
                flow_id varchar(64) NOT NULL, type varchar(256) NOT NULL, exception_message varchar(2000),
                stack_trace varchar(2000) NOT NULL, exception_value bytea, timestamp timestamp NOT NULL);
            CREATE UNIQUE INDEX node_flow_exceptions_idx ON {Schema}.node_flow_exceptions (flow_id);
            CREATE TABLE {Schema}.node_flow_metadata (
                flow_id varchar(64) NOT NULL, invocation_id varchar(128) NOT NULL, flow_name varchar(128) NOT NULL,
                flow_identifier varchar(512), started_type integer NOT NULL, flow_parameters bytea NOT NULL,
                cordapp_name varchar(128) NOT NULL, platform_version integer NOT NULL, started_by varchar(128) NOT NULL,
                invocation_time timestamp NOT NULL, start_time timestamp NOT NULL, finish_time timestamp);
            CREATE UNIQUE INDEX node_flow_metadata_idx ON {Schema}.node_flow_metadata (flow_id);
            """);
    }

    public async Task CreateLegacyAsync()
    {
        await ExecuteAsync($"""
            CREATE SCHEMA IF NOT EXISTS {Schema};
            CREATE TABLE {Schema}.node_checkpoints (
                checkpoint_id varchar(64) NOT NULL PRIMARY KEY, checkpoint_value bytea NOT NULL);
            """);
    }

    /// <summary>A flow as Corda leaves it in <paramref name="status"/>, with its blobs in <paramref name="encodings"/>.</summary>
    public async Task InsertCleanFlowAsync(string flowId, CheckpointFlowStatus status, params TestEncoding[] encodings)
    {
        var finished = status is CheckpointFlowStatus.Completed or CheckpointFlowStatus.Failed;
        var keepsFlowState = status is not (CheckpointFlowStatus.Completed or CheckpointFlowStatus.Failed);
        await InsertCheckpointAsync(flowId, (int)status);
        await InsertBlobAsync(flowId, TestBlobs.Kryo(TestBlobs.Payload(2000, 1), encodings), keepsFlowState ? TestBlobs.Kryo(TestBlobs.Payload(20_000, 2), encodings) : null);
        await InsertMetadataAsync(flowId, finished, TestBlobs.Amqp(TestBlobs.Payload(300, 3), encodings));
        if (status == CheckpointFlowStatus.Completed)
        {
            await InsertResultAsync(flowId, TestBlobs.Amqp(TestBlobs.Payload(100, 4), encodings));
        }

        if (status is CheckpointFlowStatus.Failed or CheckpointFlowStatus.Killed or CheckpointFlowStatus.Hospitalized)
        {
            await InsertExceptionAsync(flowId, TestBlobs.Amqp(TestBlobs.Payload(400, 5), encodings));
        }
    }

    public Task InsertCheckpointAsync(string flowId, int status) =>
        ExecuteAsync($"INSERT INTO {Schema}.node_checkpoints (flow_id, status, compatible, timestamp) VALUES (@id, @status, true, now())",
            ("id", flowId), ("status", status));

    public Task InsertBlobAsync(string flowId, byte[] checkpointValue, byte[]? flowState) =>
        ExecuteAsync($"INSERT INTO {Schema}.node_checkpoint_blobs (flow_id, checkpoint_value, flow_state, timestamp, hmac) VALUES (@id, @cv, @fs, now(), @hmac)",
            ("id", flowId), ("cv", checkpointValue), ("fs", flowState), ("hmac", new byte[16]));

    public Task InsertMetadataAsync(string flowId, bool finished, byte[]? parameters = null) =>
        ExecuteAsync($"""
            INSERT INTO {Schema}.node_flow_metadata (flow_id, invocation_id, flow_name, flow_identifier, started_type, flow_parameters,
                cordapp_name, platform_version, started_by, invocation_time, start_time, finish_time)
            VALUES (@id, @id, 'com.example.Flow', 'client-1', 0, @p, 'Core flow', 12, 'user1', now(), now(), CASE WHEN @finished THEN now() END)
            """,
            ("id", flowId), ("p", parameters ?? TestBlobs.Amqp([1])), ("finished", finished));

    public Task InsertResultAsync(string flowId, byte[]? value) =>
        ExecuteAsync($"INSERT INTO {Schema}.node_flow_results (flow_id, result_value, timestamp) VALUES (@id, @v, now())", ("id", flowId), ("v", value));

    public Task InsertExceptionAsync(string flowId, byte[]? value) =>
        ExecuteAsync($"INSERT INTO {Schema}.node_flow_exceptions (flow_id, type, stack_trace, exception_value, timestamp) VALUES (@id, 'net.corda.core.flows.FlowException', 'at x', @v, now())",
            ("id", flowId), ("v", value));

    public Task InsertLegacyAsync(string checkpointId, byte[] value) =>
        ExecuteAsync($"INSERT INTO {Schema}.node_checkpoints (checkpoint_id, checkpoint_value) VALUES (@id, @v)", ("id", checkpointId), ("v", value));

    public async Task ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        await command.ExecuteNonQueryAsync();
    }
}
