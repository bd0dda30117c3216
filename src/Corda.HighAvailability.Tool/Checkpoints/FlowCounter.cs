using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Corda.HighAvailability.Checkpoints;
using Corda.HighAvailability.Checkpoints.Reading;

namespace Corda.HighAvailability.Tool.Checkpoints;

/// <summary>The progress bar's total: a cheap COUNT(*) of <c>node_checkpoints</c> (one row per flow in both schemas).</summary>
internal static class FlowCounter
{
    /// <summary>
    /// Returns the row count, or <see langword="null"/> when the server refused the query (for example no such table):
    /// the verifier then reports the problem in its own words. Connection failures are not swallowed, so an
    /// unreachable server is reported once instead of timing out twice.
    /// </summary>
    [SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "The schema name is validated by SqlIdentifier; the table name is a constant.")]
    public static async Task<long?> CountAsync(CheckpointDatabase database, string schema, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var command = connection.CreateCommand();
                await using (command.ConfigureAwait(false))
                {
                    command.CommandText = $"SELECT COUNT(*) FROM {schema}.{CheckpointTables.Checkpoints}";
                    var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                    return value is null or DBNull ? null : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }
        catch (DbException ex) when (ex.SqlState is not null)
        {
            // An SQLSTATE means the server answered: the database is reachable, the query is what failed.
            return null;
        }
    }
}
