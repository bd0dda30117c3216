using System.Text.RegularExpressions;
using Npgsql;

namespace Corda.HighAvailability.Testing;

/// <summary>
/// Corda Enterprise's <c>node_mutual_exclusion</c> table for tests, created from the DDL documented in
/// docs/corda-mutual-exclusion.md (read from the file, so the documentation and the tests cannot drift apart), and its
/// row written the way Corda writes it: with the database's clock, never the test host's.
/// </summary>
public static partial class CordaMutualExclusionTable
{
    public const string DefaultName = "node_mutual_exclusion";

    private static readonly Lazy<string> Documentation = new(() => File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "corda-mutual-exclusion.md")));

    /// <summary>
    /// The documented PostgreSQL DDL (the <c>```sql</c> block), for a table named <paramref name="table"/> in
    /// <paramref name="schema"/> (null: the search path's).
    /// </summary>
    public static string PostgreSqlDdl(string table = DefaultName, string? schema = null) => Block("sql")
        .Replace(DefaultName + "_pkey", table + "_pkey", StringComparison.Ordinal)
        .Replace(DefaultName, schema is null ? table : $"{schema}.{table}", StringComparison.Ordinal);

    /// <summary>The documented SQL Server DDL (the <c>```tsql</c> block), for a table named <paramref name="table"/> in <c>dbo</c>.</summary>
    public static string SqlServerDdl(string table = DefaultName) => Block("tsql").Replace(DefaultName, table, StringComparison.Ordinal);

    /// <summary>Creates the table on PostgreSQL from the documented DDL.</summary>
    public static async Task CreatePostgreSqlAsync(string connectionString, string table = DefaultName, string? schema = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(PostgreSqlDdl(table, schema), connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Writes the <c>'X'</c> row as Corda's heartbeat does (<c>LOCALTIMESTAMP</c>, the session's clock without a zone),
    /// backdated by <paramref name="ageSeconds"/>. <paramref name="table"/> may be schema-qualified.
    /// </summary>
    public static async Task WritePostgreSqlRowAsync(string connectionString, string machineName, string pid, double ageSeconds, long version, string table = DefaultName)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();

        // The table name is the test's own ([a-z0-9_]); every value is a parameter.
        await using var command = new NpgsqlCommand(
            $"""
            INSERT INTO {table} VALUES ('X', @machine, @pid, LOCALTIMESTAMP - make_interval(secs => @age), @version)
            ON CONFLICT (mutual_exclusion_id) DO UPDATE SET machine_name = EXCLUDED.machine_name, pid = EXCLUDED.pid,
                mutual_exclusion_timestamp = EXCLUDED.mutual_exclusion_timestamp, version = EXCLUDED.version
            """,
            connection);
        command.Parameters.AddWithValue("machine", machineName);
        command.Parameters.AddWithValue("pid", pid);
        command.Parameters.AddWithValue("age", ageSeconds);
        command.Parameters.AddWithValue("version", version);
        await command.ExecuteNonQueryAsync();
    }

    private static string Block(string language)
    {
        var match = FencedBlock().Matches(Documentation.Value).SingleOrDefault(m => m.Groups["lang"].Value == language)
            ?? throw new InvalidOperationException($"docs/corda-mutual-exclusion.md has no single ```{language} block with the table's DDL.");
        return match.Groups["body"].Value;
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Corda.HighAvailability.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Corda.HighAvailability.sln not found above the test output.");
    }

    [GeneratedRegex(@"^```(?<lang>\w+)\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();
}
