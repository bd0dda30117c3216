using Corda.HighAvailability.Checkpoints.Rules;

namespace Corda.HighAvailability.Testing;

/// <summary>
/// Corda's checkpoint tables in one schema of one database, as Liquibase creates them for that database (docs/corda-checkpoints.md, "Tables and columns":
/// changelog v19 and v19-keys; before 4.6 only node_checkpoints(checkpoint_id, checkpoint_value)), and rows written the
/// way Corda writes them for each status (§7.3). <see cref="CordaTables"/> (PostgreSQL) and
/// <see cref="SqlServerCordaTables"/> say how in their database's SQL; which rows a flow in a given status has is said
/// once, here.
/// </summary>
public abstract class CordaTableBuilder(string connectionString, string schema)
{
    public string ConnectionString { get; } = connectionString;

    public string Schema { get; } = schema;

    /// <summary>Creates the (empty) schema.</summary>
    public abstract Task CreateSchemaAsync();

    /// <summary>Creates the schema and the tables of Corda 4.6 and later.</summary>
    public abstract Task CreateCorda46Async();

    /// <summary>Creates the schema and the single table of Corda 4.5 and earlier.</summary>
    public abstract Task CreateLegacyAsync();

    /// <summary>Drops every table in the schema, then the schema.</summary>
    public abstract Task DropAsync();

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

    /// <summary>
    /// <paramref name="count"/> RUNNABLE flows in one statement, each with the same blobs: a node_checkpoints,
    /// node_checkpoint_blobs and node_flow_metadata row apiece.
    /// </summary>
    public abstract Task InsertRunnableFlowsAsync(int count, byte[] checkpointValue, byte[] flowState, byte[] parameters);

    public abstract Task InsertCheckpointAsync(string flowId, int status);

    public abstract Task InsertBlobAsync(string flowId, byte[] checkpointValue, byte[]? flowState);

    public abstract Task InsertMetadataAsync(string flowId, bool finished, byte[]? parameters = null);

    public abstract Task InsertResultAsync(string flowId, byte[]? value);

    public abstract Task InsertExceptionAsync(string flowId, byte[]? value);

    public abstract Task InsertLegacyAsync(string checkpointId, byte[] value);

    /// <summary>
    /// A flow for the flow hospital view: its node_checkpoints row, and the node_flow_metadata and node_flow_exceptions
    /// rows <paramref name="flow"/> asks for, with the blobs any valid flow has.
    /// </summary>
    public async Task InsertFlowAsync(FlowSeed flow)
    {
        await InsertFlowRowsAsync(flow);
        await InsertBlobAsync(flow.FlowId, TestBlobs.Kryo([1, 2]), flow.Status is 1 or 2 ? null : TestBlobs.Kryo([3, 4]));
    }

    protected abstract Task InsertFlowRowsAsync(FlowSeed flow);

    /// <summary>The parameters <see cref="InsertFlowRowsAsync"/> binds, by name, shared by the providers' SQL.</summary>
    protected static (string Name, object? Value)[] FlowParameters(FlowSeed flow) =>
    [
        ("id", flow.FlowId), ("status", flow.Status), ("ts", flow.CheckpointTime ?? flow.StartTime.AddMinutes(1)),
        ("step", flow.ProgressStep), ("io", flow.IoRequest), ("name", flow.FlowClass), ("client", flow.ClientId),
        ("type", flow.StartType), ("p", TestBlobs.Amqp([1])), ("cordapp", flow.CordappName), ("by", flow.StartedBy),
        ("start", flow.StartTime), ("finish", flow.FinishTime),
        ("etype", flow.ExceptionType), ("emsg", flow.ExceptionMessage), ("estack", flow.ExceptionStackTrace),
    ];

    /// <summary>Runs <paramref name="sql"/> with named parameters (<c>@name</c>); a null value is sent as a NULL blob.</summary>
    public abstract Task ExecuteAsync(string sql, params (string Name, object? Value)[] parameters);
}
