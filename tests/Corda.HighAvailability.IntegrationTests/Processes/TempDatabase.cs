using Microsoft.Data.Sqlite;

namespace Corda.HighAvailability.IntegrationTests.Processes;

/// <summary>A SQLite file in a fresh temporary directory, deleted (with the directory) on dispose.</summary>
internal sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("corda-ha-tests-");
        Path = System.IO.Path.Combine(Directory.FullName, "ha.db");
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = Path }.ToString();
    }

    public DirectoryInfo Directory { get; }

    public string Path { get; }

    public string ConnectionString { get; }

    /// <summary>The drill log in true commit order: (commit number, holder, epoch).</summary>
    public List<(long Seq, string Holder, long Epoch)> ReadDrillWrites(string leaseName)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder(ConnectionString) { Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT commit_seq, holder, epoch FROM corda_ha_drill_log WHERE lease_name = $lease ORDER BY commit_seq";
        command.Parameters.AddWithValue("$lease", leaseName);
        using var reader = command.ExecuteReader();
        var rows = new List<(long, string, long)>();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2)));
        }

        return rows;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A child killed a moment ago may still hold the file on a slow machine; the OS cleans /tmp.
        }
    }
}
