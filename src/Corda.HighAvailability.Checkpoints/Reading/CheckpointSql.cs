using Corda.HighAvailability.Data;

namespace Corda.HighAvailability.Checkpoints.Reading;

/// <summary>
/// The verifier's SELECTs, built once from a validated schema name and constant table and column names (never
/// quoted, so the database folds them like Corda's own unquoted DDL). No statement has a value to bind. Column order
/// matters: rows are read with sequential access.
/// </summary>
internal sealed class CheckpointSql
{
    public CheckpointSql(CheckpointDatabase database, string schema)
    {
        SqlIdentifier.Validate(schema, nameof(CheckpointVerificationOptions) + "." + nameof(CheckpointVerificationOptions.SchemaName));
        string Select(string columns, string table, string key = "flow_id") =>
            $"SELECT {columns} FROM {schema}.{table} ORDER BY {database.OrderByBinary(key)}";

        Checkpoints = Select("flow_id, status", CheckpointTables.Checkpoints);
        Blobs = Select("flow_id, checkpoint_value, flow_state", CheckpointTables.CheckpointBlobs);
        Metadata = Select("flow_id, finish_time, flow_parameters", CheckpointTables.FlowMetadata);
        Results = Select("flow_id, result_value", CheckpointTables.FlowResults);
        Exceptions = Select("flow_id, exception_value", CheckpointTables.FlowExceptions);
        LegacyCheckpoints = Select("checkpoint_id, checkpoint_value", CheckpointTables.Checkpoints, "checkpoint_id");
    }

    public string Checkpoints { get; }

    public string Blobs { get; }

    public string Metadata { get; }

    public string Results { get; }

    public string Exceptions { get; }

    public string LegacyCheckpoints { get; }
}
