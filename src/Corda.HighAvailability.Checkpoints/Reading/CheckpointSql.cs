using Corda.HighAvailability.Checkpoints.Reading.Tables;
using Corda.HighAvailability.Data;

namespace Corda.HighAvailability.Checkpoints.Reading;

/// <summary>
/// The verifier's SELECTs, built from a schema name validated here and a <see cref="TableDescription"/> (names never
/// quoted, so the database folds them like Corda's own unquoted DDL). No statement has a value to bind. The columns
/// come in their description's order, which is the order rows are read in (sequential access).
/// </summary>
internal sealed class CheckpointSql
{
    private readonly CheckpointDatabase _database;
    private readonly string _schema;

    public CheckpointSql(CheckpointDatabase database, string schema)
    {
        _database = database;
        _schema = SqlIdentifier.Validate(schema, nameof(CheckpointVerificationOptions) + "." + nameof(CheckpointVerificationOptions.SchemaName));
    }

    public string Checkpoints => Select(TableDescriptions.Checkpoints);

    public string Blobs => Select(TableDescriptions.CheckpointBlobs);

    public string Metadata => Select(TableDescriptions.FlowMetadata);

    public string Results => Select(TableDescriptions.FlowResults);

    public string Exceptions => Select(TableDescriptions.FlowExceptions);

    public string LegacyCheckpoints => Select(TableDescriptions.LegacyCheckpoints);

    /// <summary>Reads all of <paramref name="table"/>, in ordinal key order.</summary>
    public string Select(TableDescription table) =>
        $"SELECT {table.SelectList} FROM {_schema}.{table.Table} ORDER BY {_database.OrderByBinary(table.Key.Name)}";
}
