using System.Data.Common;
using Corda.HighAvailability.Data;
using Corda.HighAvailability.LeaseElection.CordaMutualExclusion;

namespace Corda.HighAvailability.LeaseElection.Sql;

/// <summary>
/// What the SQL readers of Corda Enterprise's <c>node_mutual_exclusion</c> row share: the option checks and the
/// mapping of <c>machine_name, pid, timestamp, version, database now</c>. Compiled into each SQL provider package
/// (a linked source file); each provider only writes its statement and says which error means "no table".
/// </summary>
internal static class CordaMutualExclusionSql
{
    /// <summary>Checks the options; returns the schema-qualified table and the command timeout in seconds.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public static (string QualifiedTable, int CommandTimeoutSeconds) Check(string optionsName, string? connectionString, string? schemaName, string? tableName, TimeSpan commandTimeout)
    {
        var prefix = optionsName + ".";
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException($"{prefix}ConnectionString is required.", "options");
        }

        var schema = SqlIdentifier.Validate(schemaName, prefix + "SchemaName");
        var table = SqlIdentifier.Validate(tableName, prefix + "TableName");
        if (commandTimeout < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException($"{prefix}CommandTimeout must be at least 1 second.", "options");
        }

        return ($"{schema}.{table}", (int)Math.Ceiling(commandTimeout.TotalSeconds));
    }

    /// <summary>Runs the read and maps its row, or <see langword="null"/> when there is none.</summary>
    public static async Task<CordaMutualExclusionRow?> ReadRowAsync(DbCommand command, TimeSpan waitInterval, CancellationToken cancellationToken)
    {
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            // Corda's columns are fixed-width CHAR/NCHAR on some databases: trailing blanks are padding.
            return new CordaMutualExclusionRow(
                reader.GetString(0).TrimEnd(),
                reader.GetString(1).TrimEnd(),
                reader.GetDateTime(2),
                reader.GetInt64(3),
                reader.GetDateTime(4),
                waitInterval);
        }
    }
}
