using Corda.HighAvailability.Tool.Cli;
using Microsoft.Data.Sqlite;

namespace Corda.HighAvailability.Tool.Providers;

/// <summary>The SQLite connection-string adjustments of <see cref="ProviderTable"/>'s sqlite row.</summary>
internal static class SqliteConnectionStrings
{
    /// <summary>No pooling: the drill's few plain connections must not keep its temporary database file open.</summary>
    public static string Unpooled(string connectionString) => new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString();

    /// <summary>Refuses to create a missing file (unless the caller chose a mode), so a mistyped path is reported.</summary>
    public static string ForExistingDatabase(string connectionString)
    {
        try
        {
            var builder = new SqliteConnectionStringBuilder(connectionString);
            if (!connectionString.Contains("mode", StringComparison.OrdinalIgnoreCase))
            {
                builder.Mode = SqliteOpenMode.ReadWrite;
            }

            return builder.ToString();
        }
        catch (ArgumentException ex)
        {
            throw new ToolException(ExitCodes.UsageOrConnection, $"Invalid sqlite connection string: {Secrets.Redact(ex.Message, connectionString)}", ex);
        }
    }
}
