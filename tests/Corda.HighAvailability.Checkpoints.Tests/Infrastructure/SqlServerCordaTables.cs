using System.Data;
using Corda.HighAvailability.Checkpoints.Rules;
using Microsoft.Data.SqlClient;

namespace Corda.HighAvailability.Checkpoints.Tests.Infrastructure;

/// <summary>
/// Corda's checkpoint tables in SQL Server types (corda.md §3: NVARCHAR(64) flow ids, Liquibase <c>blob</c> as
/// VARBINARY(MAX), TIMESTAMP as DATETIME2, BOOLEAN as BIT, a non-clustered primary key on mssql), in a schema of
/// their own, and rows written the way Corda writes them for each status (§7.3).
/// </summary>
public sealed class SqlServerCordaTables(string connectionString, string schema)
{
    public string ConnectionString { get; } = connectionString;

    public string Schema { get; } = schema;

    public async Task CreateSchemaAsync() =>
        // CREATE SCHEMA must be alone in its batch.
        await ExecuteAsync($"CREATE SCHEMA {Schema}");

    public async Task CreateCorda46Async()
    {
        await CreateSchemaAsync();
        await ExecuteAsync($"""
            CREATE TABLE {Schema}.node_checkpoints (
                flow_id NVARCHAR(64) NOT NULL, status INT NOT NULL, compatible BIT NOT NULL,
                progress_step NVARCHAR(256), flow_io_request NVARCHAR(128), timestamp DATETIME2 NOT NULL,
                CONSTRAINT node_checkpoints_pk PRIMARY KEY NONCLUSTERED (flow_id));
            CREATE TABLE {Schema}.node_checkpoint_blobs (
                flow_id NVARCHAR(64) NOT NULL, checkpoint_value VARBINARY(MAX) NOT NULL, flow_state VARBINARY(MAX),
                timestamp DATETIME2 NOT NULL, hmac VARBINARY(32) NOT NULL);
            CREATE UNIQUE INDEX node_checkpoint_blobs_idx ON {Schema}.node_checkpoint_blobs (flow_id);
            CREATE TABLE {Schema}.node_flow_results (
                flow_id NVARCHAR(64) NOT NULL, result_value VARBINARY(MAX), timestamp DATETIME2 NOT NULL);
            CREATE UNIQUE INDEX node_flow_results_idx ON {Schema}.node_flow_results (flow_id);
            CREATE TABLE {Schema}.node_flow_exceptions (
                flow_id NVARCHAR(64) NOT NULL, type NVARCHAR(256) NOT NULL, exception_message NVARCHAR(2000),
                stack_trace NVARCHAR(2000) NOT NULL, exception_value VARBINARY(MAX), timestamp DATETIME2 NOT NULL);
            CREATE UNIQUE INDEX node_flow_exceptions_idx ON {Schema}.node_flow_exceptions (flow_id);
            CREATE TABLE {Schema}.node_flow_metadata (
                flow_id NVARCHAR(64) NOT NULL, invocation_id NVARCHAR(128) NOT NULL, flow_name NVARCHAR(128) NOT NULL,
                flow_identifier NVARCHAR(512), started_type INT NOT NULL, flow_parameters VARBINARY(MAX) NOT NULL,
                cordapp_name NVARCHAR(128) NOT NULL, platform_version INT NOT NULL, started_by NVARCHAR(128) NOT NULL,
                invocation_time DATETIME2 NOT NULL, start_time DATETIME2 NOT NULL, finish_time DATETIME2);
            CREATE UNIQUE INDEX node_flow_metadata_idx ON {Schema}.node_flow_metadata (flow_id);
            """);
    }

    public async Task CreateLegacyAsync()
    {
        await CreateSchemaAsync();
        await ExecuteAsync($"""
            CREATE TABLE {Schema}.node_checkpoints (
                checkpoint_id NVARCHAR(64) NOT NULL PRIMARY KEY NONCLUSTERED, checkpoint_value VARBINARY(MAX) NOT NULL);
            """);
    }

    /// <summary>Drops every table in the schema, then the schema.</summary>
    public async Task DropAsync() =>
        await ExecuteAsync("""
            DECLARE @sql NVARCHAR(MAX) = N'';
            SELECT @sql = @sql + N'DROP TABLE ' + QUOTENAME(s.name) + N'.' + QUOTENAME(t.name) + N';'
                FROM sys.tables t JOIN sys.schemas s ON s.schema_id = t.schema_id WHERE s.name = @schema;
            EXEC sys.sp_executesql @sql;
            IF SCHEMA_ID(@schema) IS NOT NULL EXEC (N'DROP SCHEMA ' + QUOTENAME(@schema));
            """,
            ("schema", Schema));

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
        ExecuteAsync($"INSERT INTO {Schema}.node_checkpoints (flow_id, status, compatible, timestamp) VALUES (@id, @status, 1, SYSUTCDATETIME())",
            ("id", flowId), ("status", status));

    public Task InsertBlobAsync(string flowId, byte[] checkpointValue, byte[]? flowState) =>
        ExecuteAsync($"INSERT INTO {Schema}.node_checkpoint_blobs (flow_id, checkpoint_value, flow_state, timestamp, hmac) VALUES (@id, @cv, @fs, SYSUTCDATETIME(), @hmac)",
            ("id", flowId), ("cv", checkpointValue), ("fs", flowState), ("hmac", new byte[16]));

    public Task InsertMetadataAsync(string flowId, bool finished, byte[]? parameters = null) =>
        ExecuteAsync($"""
            INSERT INTO {Schema}.node_flow_metadata (flow_id, invocation_id, flow_name, flow_identifier, started_type, flow_parameters,
                cordapp_name, platform_version, started_by, invocation_time, start_time, finish_time)
            VALUES (@id, @id, N'com.example.Flow', N'client-1', 0, @p, N'Core flow', 12, N'user1', SYSUTCDATETIME(), SYSUTCDATETIME(),
                CASE WHEN @finished = 1 THEN SYSUTCDATETIME() END)
            """,
            ("id", flowId), ("p", parameters ?? TestBlobs.Amqp([1])), ("finished", finished));

    public Task InsertResultAsync(string flowId, byte[]? value) =>
        ExecuteAsync($"INSERT INTO {Schema}.node_flow_results (flow_id, result_value, timestamp) VALUES (@id, @v, SYSUTCDATETIME())", ("id", flowId), ("v", value));

    public Task InsertExceptionAsync(string flowId, byte[]? value) =>
        ExecuteAsync($"INSERT INTO {Schema}.node_flow_exceptions (flow_id, type, stack_trace, exception_value, timestamp) VALUES (@id, N'net.corda.core.flows.FlowException', N'at x', @v, SYSUTCDATETIME())",
            ("id", flowId), ("v", value));

    public Task InsertLegacyAsync(string checkpointId, byte[] value) =>
        ExecuteAsync($"INSERT INTO {Schema}.node_checkpoints (checkpoint_id, checkpoint_value) VALUES (@id, @v)", ("id", checkpointId), ("v", value));

    public async Task ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new SqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new SqlCommand(sql, connection) { CommandTimeout = 120 };
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(Parameter(name, value));
        }

        await command.ExecuteNonQueryAsync();
    }

    // Typed parameters: an untyped NULL would be sent as NVARCHAR, which SQL Server refuses to convert to VARBINARY.
    private static SqlParameter Parameter(string name, object? value) => value switch
    {
        string s => new SqlParameter(name, SqlDbType.NVarChar, 128) { Value = s },
        int i => new SqlParameter(name, SqlDbType.Int) { Value = i },
        bool b => new SqlParameter(name, SqlDbType.Bit) { Value = b },
        byte[] bytes => new SqlParameter(name, SqlDbType.VarBinary, -1) { Value = bytes },
        null => new SqlParameter(name, SqlDbType.VarBinary, -1) { Value = DBNull.Value },
        _ => throw new ArgumentOutOfRangeException(nameof(value), value.GetType(), "Unsupported test parameter type."),
    };
}
