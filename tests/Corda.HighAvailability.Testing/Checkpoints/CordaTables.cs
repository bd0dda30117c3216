using Npgsql;

namespace Corda.HighAvailability.Testing;

/// <summary>
/// Corda's checkpoint tables on PostgreSQL as Liquibase creates them (docs/corda-checkpoints.md, "Tables and columns": changelog v19-postgres and
/// v19-keys; before 4.6 only node_checkpoints(checkpoint_id, checkpoint_value)), and rows written the way Corda
/// writes them for each status (§7.3).
/// </summary>
public sealed class CordaTables(string connectionString, string schema) : CordaTableBuilder(connectionString, schema)
{
    public override Task CreateSchemaAsync() => ExecuteAsync($"CREATE SCHEMA IF NOT EXISTS {Schema}");

    public override async Task CreateCorda46Async()
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

    public override async Task CreateLegacyAsync()
    {
        await ExecuteAsync($"""
            CREATE SCHEMA IF NOT EXISTS {Schema};
            CREATE TABLE {Schema}.node_checkpoints (
                checkpoint_id varchar(64) NOT NULL PRIMARY KEY, checkpoint_value bytea NOT NULL);
            """);
    }

    public override Task DropAsync() => ExecuteAsync($"DROP SCHEMA IF EXISTS {Schema} CASCADE");

    public override Task InsertRunnableFlowsAsync(int count, byte[] checkpointValue, byte[] flowState, byte[] parameters) =>
        ExecuteAsync(
            $"""
            INSERT INTO {Schema}.node_checkpoints (flow_id, status, compatible, timestamp)
                SELECT md5(i::text)::uuid::text, 0, true, now() FROM generate_series(1, {count}) i;
            INSERT INTO {Schema}.node_checkpoint_blobs (flow_id, checkpoint_value, flow_state, timestamp, hmac)
                SELECT md5(i::text)::uuid::text, @cv, @fs, now(), @hmac FROM generate_series(1, {count}) i;
            INSERT INTO {Schema}.node_flow_metadata (flow_id, invocation_id, flow_name, started_type, flow_parameters,
                cordapp_name, platform_version, started_by, invocation_time, start_time)
                SELECT md5(i::text)::uuid::text, 'i', 'f', 0, @p, 'Core flow', 12, 'u', now(), now() FROM generate_series(1, {count}) i;
            """,
            ("cv", checkpointValue),
            ("fs", flowState),
            ("hmac", new byte[16]),
            ("p", parameters));

    public override Task InsertCheckpointAsync(string flowId, int status) =>
        ExecuteAsync($"INSERT INTO {Schema}.node_checkpoints (flow_id, status, compatible, timestamp) VALUES (@id, @status, true, now())",
            ("id", flowId), ("status", status));

    public override Task InsertBlobAsync(string flowId, byte[] checkpointValue, byte[]? flowState) =>
        ExecuteAsync($"INSERT INTO {Schema}.node_checkpoint_blobs (flow_id, checkpoint_value, flow_state, timestamp, hmac) VALUES (@id, @cv, @fs, now(), @hmac)",
            ("id", flowId), ("cv", checkpointValue), ("fs", flowState), ("hmac", new byte[16]));

    public override Task InsertMetadataAsync(string flowId, bool finished, byte[]? parameters = null) =>
        ExecuteAsync($"""
            INSERT INTO {Schema}.node_flow_metadata (flow_id, invocation_id, flow_name, flow_identifier, started_type, flow_parameters,
                cordapp_name, platform_version, started_by, invocation_time, start_time, finish_time)
            VALUES (@id, @id, 'com.example.Flow', 'client-1', 0, @p, 'Core flow', 12, 'user1', now(), now(), CASE WHEN @finished THEN now() END)
            """,
            ("id", flowId), ("p", parameters ?? TestBlobs.Amqp([1])), ("finished", finished));

    public override Task InsertResultAsync(string flowId, byte[]? value) =>
        ExecuteAsync($"INSERT INTO {Schema}.node_flow_results (flow_id, result_value, timestamp) VALUES (@id, @v, now())", ("id", flowId), ("v", value));

    public override Task InsertExceptionAsync(string flowId, byte[]? value) =>
        ExecuteAsync($"INSERT INTO {Schema}.node_flow_exceptions (flow_id, type, stack_trace, exception_value, timestamp) VALUES (@id, 'net.corda.core.flows.FlowException', 'at x', @v, now())",
            ("id", flowId), ("v", value));

    public override Task InsertLegacyAsync(string checkpointId, byte[] value) =>
        ExecuteAsync($"INSERT INTO {Schema}.node_checkpoints (checkpoint_id, checkpoint_value) VALUES (@id, @v)", ("id", checkpointId), ("v", value));

    protected override async Task InsertFlowRowsAsync(FlowSeed flow)
    {
        var parameters = FlowParameters(flow);
        await ExecuteAsync($"INSERT INTO {Schema}.node_checkpoints (flow_id, status, compatible, progress_step, flow_io_request, timestamp) VALUES (@id, @status, true, @step, @io, @ts)", parameters);
        if (flow.Metadata)
        {
            await ExecuteAsync($"""
                INSERT INTO {Schema}.node_flow_metadata (flow_id, invocation_id, flow_name, flow_identifier, started_type, flow_parameters,
                    cordapp_name, platform_version, started_by, invocation_time, start_time, finish_time)
                VALUES (@id, @id, @name, @client, @type, @p, @cordapp, 12, @by, @start, @start, @finish)
                """, parameters);
        }

        if (flow.ExceptionType is not null)
        {
            await ExecuteAsync($"INSERT INTO {Schema}.node_flow_exceptions (flow_id, type, exception_message, stack_trace, timestamp) VALUES (@id, @etype, @emsg, @estack, @ts)", parameters);
        }
    }

    public override async Task ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            // Only the parameters the statement names: the flow seeds bind one shared set.
            if (sql.Contains("@" + name, StringComparison.Ordinal))
            {
                command.Parameters.Add(value is null ? new NpgsqlParameter(name, DBNull.Value) : new NpgsqlParameter(name, value));
            }
        }

        await command.ExecuteNonQueryAsync();
    }
}
