using Corda.HighAvailability.Checkpoints.Reading;
using Corda.HighAvailability.Checkpoints.Reading.Tables;

namespace Corda.HighAvailability.Checkpoints.Schema;

/// <summary>
/// Tells the two schemas apart by their columns (changelog v19 drops and recreates node_checkpoints with
/// <c>flow_id</c> and <c>status</c>; before it had <c>checkpoint_id</c> and <c>checkpoint_value</c>: see
/// docs/corda-checkpoints.md#two-schemas), and refuses a database that lacks a table or column the verifier reads,
/// naming it. The columns required are those of the <see cref="TableDescriptions"/> the rows are read by.
/// </summary>
internal static class CheckpointSchemaDetector
{

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
        bool Has(TableDescription table, TableColumn column) => columns.Contains((table.Table, column.Name));

        var legacy = TableDescriptions.LegacyCheckpoints;
        if (legacy.Columns.All(c => Has(legacy, c)))
        {
            return CheckpointSchema.Corda45OrEarlier;
        }

        var checkpoints = TableDescriptions.Checkpoints;
        if (!Has(checkpoints, checkpoints.Key))
        {
            throw new InvalidOperationException(
                $"Schema '{schemaName}' has no Corda checkpoint table: {checkpoints.Table} with either {checkpoints.Key.Name} (Corda 4.6+) or {legacy.Key.Name} (before 4.6) was not found.");
        }

        var missing = TableDescriptions.Corda46
            .SelectMany(t => t.Columns.Where(c => !Has(t, c)).Select(c => $"{t.Table}.{c.Name}"))
            .ToList();
        return missing.Count == 0
            ? CheckpointSchema.Corda46OrLater
            : throw new InvalidOperationException(
                $"Schema '{schemaName}' looks like Corda 4.6+ but lacks {string.Join(", ", missing)}.");
    }
}
