using System.Data;
using Microsoft.Data.SqlClient;

namespace Corda.HighAvailability.Testing;

/// <summary>
/// Corda's checkpoint tables in SQL Server types (docs/corda-checkpoints.md, "Tables and columns": NVARCHAR(64) flow ids, Liquibase <c>blob</c> as
/// VARBINARY(MAX), TIMESTAMP as DATETIME2, BOOLEAN as BIT, a non-clustered primary key on mssql), in a schema of
/// their own, and rows written the way Corda writes them for each status (§7.3).
/// </summary>
public sealed class SqlServerCordaTables(string connectionString, string schema) : CordaTableBuilder(connectionString, schema)
{
    public override async Task CreateSchemaAsync() =>
        // CREATE SCHEMA must be alone in its batch.
        await ExecuteAsync($"CREATE SCHEMA {Schema}");

    public override async Task CreateCorda46Async()
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

    public override async Task CreateLegacyAsync()
    {
        await CreateSchemaAsync();
        await ExecuteAsync($"""
            CREATE TABLE {Schema}.node_checkpoints (
                checkpoint_id NVARCHAR(64) NOT NULL PRIMARY KEY NONCLUSTERED, checkpoint_value VARBINARY(MAX) NOT NULL);
            """);
    }

    public override async Task DropAsync() =>
        await ExecuteAsync("""
            DECLARE @sql NVARCHAR(MAX) = N'';
            SELECT @sql = @sql + N'DROP TABLE ' + QUOTENAME(s.name) + N'.' + QUOTENAME(t.name) + N';'
                FROM sys.tables t JOIN sys.schemas s ON s.schema_id = t.schema_id WHERE s.name = @schema;
            EXEC sys.sp_executesql @sql;
            IF SCHEMA_ID(@schema) IS NOT NULL EXEC (N'DROP SCHEMA ' + QUOTENAME(@schema));
            """,
            ("schema", Schema));

    public override Task InsertRunnableFlowsAsync(int count, byte[] checkpointValue, byte[] flowState, byte[] parameters) =>
        ExecuteAsync(
            $"""
            INSERT INTO {Schema}.node_checkpoints (flow_id, status, compatible, timestamp)
                SELECT TOP ({count}) LOWER(CONVERT(NVARCHAR(36), NEWID())), 0, 1, SYSUTCDATETIME()
                FROM sys.all_objects a CROSS JOIN sys.all_objects b;
            INSERT INTO {Schema}.node_checkpoint_blobs (flow_id, checkpoint_value, flow_state, timestamp, hmac)
                SELECT flow_id, @cv, @fs, SYSUTCDATETIME(), @hmac FROM {Schema}.node_checkpoints;
            INSERT INTO {Schema}.node_flow_metadata (flow_id, invocation_id, flow_name, started_type, flow_parameters,
                cordapp_name, platform_version, started_by, invocation_time, start_time)
                SELECT flow_id, N'i', N'f', 0, @p, N'Core flow', 12, N'u', SYSUTCDATETIME(), SYSUTCDATETIME() FROM {Schema}.node_checkpoints;
            """,
            ("cv", checkpointValue),
            ("fs", flowState),
            ("hmac", new byte[16]),
            ("p", parameters));

    public override Task InsertCheckpointAsync(string flowId, int status) =>
        ExecuteAsync($"INSERT INTO {Schema}.node_checkpoints (flow_id, status, compatible, timestamp) VALUES (@id, @status, 1, SYSUTCDATETIME())",
            ("id", flowId), ("status", status));

    public override Task InsertBlobAsync(string flowId, byte[] checkpointValue, byte[]? flowState) =>
        ExecuteAsync($"INSERT INTO {Schema}.node_checkpoint_blobs (flow_id, checkpoint_value, flow_state, timestamp, hmac) VALUES (@id, @cv, @fs, SYSUTCDATETIME(), @hmac)",
            ("id", flowId), ("cv", checkpointValue), ("fs", flowState), ("hmac", new byte[16]));

    public override Task InsertMetadataAsync(string flowId, bool finished, byte[]? parameters = null) =>
        ExecuteAsync($"""
            INSERT INTO {Schema}.node_flow_metadata (flow_id, invocation_id, flow_name, flow_identifier, started_type, flow_parameters,
                cordapp_name, platform_version, started_by, invocation_time, start_time, finish_time)
            VALUES (@id, @id, N'com.example.Flow', N'client-1', 0, @p, N'Core flow', 12, N'user1', SYSUTCDATETIME(), SYSUTCDATETIME(),
                CASE WHEN @finished = 1 THEN SYSUTCDATETIME() END)
            """,
            ("id", flowId), ("p", parameters ?? TestBlobs.Amqp([1])), ("finished", finished));

    public override Task InsertResultAsync(string flowId, byte[]? value) =>
        ExecuteAsync($"INSERT INTO {Schema}.node_flow_results (flow_id, result_value, timestamp) VALUES (@id, @v, SYSUTCDATETIME())", ("id", flowId), ("v", value));

    public override Task InsertExceptionAsync(string flowId, byte[]? value) =>
        ExecuteAsync($"INSERT INTO {Schema}.node_flow_exceptions (flow_id, type, stack_trace, exception_value, timestamp) VALUES (@id, N'net.corda.core.flows.FlowException', N'at x', @v, SYSUTCDATETIME())",
            ("id", flowId), ("v", value));

    public override Task InsertLegacyAsync(string checkpointId, byte[] value) =>
        ExecuteAsync($"INSERT INTO {Schema}.node_checkpoints (checkpoint_id, checkpoint_value) VALUES (@id, @v)", ("id", checkpointId), ("v", value));

    protected override async Task InsertFlowRowsAsync(FlowSeed flow)
    {
        var parameters = FlowParameters(flow);
        await ExecuteAsync($"INSERT INTO {Schema}.node_checkpoints (flow_id, status, compatible, progress_step, flow_io_request, timestamp) VALUES (@id, @status, 1, @step, @io, @ts)", parameters);
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
        await using var connection = new SqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new SqlCommand(sql, connection) { CommandTimeout = 120 };
        foreach (var (name, value) in parameters)
        {
            // Only the parameters the statement names: the flow seeds bind one shared set.
            if (sql.Contains("@" + name, StringComparison.Ordinal))
            {
                command.Parameters.Add(Parameter(name, value));
            }
        }

        await command.ExecuteNonQueryAsync();
    }

    // Typed parameters: an untyped NULL would be sent as NVARCHAR, which SQL Server refuses to convert to VARBINARY.
    private static SqlParameter Parameter(string name, object? value) => value switch
    {
        string s => new SqlParameter(name, SqlDbType.NVarChar, -1) { Value = s },
        DateTime t => new SqlParameter(name, SqlDbType.DateTime2) { Value = t },
        int i => new SqlParameter(name, SqlDbType.Int) { Value = i },
        bool b => new SqlParameter(name, SqlDbType.Bit) { Value = b },
        byte[] bytes => new SqlParameter(name, SqlDbType.VarBinary, -1) { Value = bytes },
        // The flow seeds' optional columns are all text or times; NVARCHAR converts implicitly to DATETIME2.
        null when name is "step" or "io" or "client" or "emsg" or "etype" or "finish" => new SqlParameter(name, SqlDbType.NVarChar, -1) { Value = DBNull.Value },
        null => new SqlParameter(name, SqlDbType.VarBinary, -1) { Value = DBNull.Value },
        _ => throw new ArgumentOutOfRangeException(nameof(value), value.GetType(), "Unsupported test parameter type."),
    };
}
