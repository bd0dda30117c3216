using System.Data.Common;
using Corda.HighAvailability.Checkpoints.Reading;

namespace Corda.HighAvailability.Checkpoints.Schema;

/// <summary>
/// Tells the two schemas apart by their columns (v19 drops and recreates node_checkpoints with <c>flow_id</c> and
/// <c>status</c>; before it had <c>checkpoint_id</c> and <c>checkpoint_value</c>; corda.md §3), and refuses a database
/// that lacks a table or column the verifier reads, naming it.
/// </summary>
internal static class CheckpointSchemaDetector
{
    private static readonly (string Table, string[] Columns)[] Current =
    [
        (CheckpointTables.Checkpoints, ["flow_id", "status"]),
        (CheckpointTables.CheckpointBlobs, ["flow_id", "checkpoint_value", "flow_state"]),
        (CheckpointTables.FlowMetadata, ["flow_id", "finish_time", "flow_parameters"]),
        (CheckpointTables.FlowResults, ["flow_id", "result_value"]),
        (CheckpointTables.FlowExceptions, ["flow_id", "exception_value"]),
    ];

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "The dialect's constant query; the schema name is a parameter.")]
    public static async Task<CheckpointSchema> DetectAsync(CheckpointDatabase database, string schemaName, CancellationToken cancellationToken)
    {
        var columns = new HashSet<(string Table, string Column)>();
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = database.ColumnsQuery;
                var parameter = command.CreateParameter();
                parameter.ParameterName = database.SchemaParameterName;
                parameter.Value = schemaName;
                command.Parameters.Add(parameter);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        columns.Add((reader.GetString(0).ToLowerInvariant(), reader.GetString(1).ToLowerInvariant()));
                    }
                }
            }
        }

        return Classify(columns, schemaName);
    }

    internal static CheckpointSchema Classify(IReadOnlySet<(string Table, string Column)> columns, string schemaName)
    {
        bool Has(string table, string column) => columns.Contains((table, column));

        if (Has(CheckpointTables.Checkpoints, "checkpoint_id") && Has(CheckpointTables.Checkpoints, "checkpoint_value"))
        {
            return CheckpointSchema.Corda45OrEarlier;
        }

        if (!Has(CheckpointTables.Checkpoints, "flow_id"))
        {
            throw new InvalidOperationException(
                $"Schema '{schemaName}' has no Corda checkpoint table: {CheckpointTables.Checkpoints} with either flow_id (Corda 4.6+) or checkpoint_id (before 4.6) was not found.");
        }

        var missing = Current
            .SelectMany(t => t.Columns.Where(c => !Has(t.Table, c)).Select(c => $"{t.Table}.{c}"))
            .ToList();
        return missing.Count == 0
            ? CheckpointSchema.Corda46OrLater
            : throw new InvalidOperationException(
                $"Schema '{schemaName}' looks like Corda 4.6+ but lacks {string.Join(", ", missing)}.");
    }
}
