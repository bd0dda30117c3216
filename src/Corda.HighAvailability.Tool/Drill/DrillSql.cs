using Corda.HighAvailability.Tool.Providers;

namespace Corda.HighAvailability.Tool.Drill;

/// <summary>
/// The drill's own table: every fenced write a leader makes, in commit order (<c>seq</c>), with the epoch it was
/// made under. Reading it back is how the drill proves that no two leaders ever wrote interleaved.
/// </summary>
internal sealed class DrillSql
{
    public const string TableName = "corda_ha_drill_writes";

    private static readonly DrillSql SqliteDialect = new(
        $"""
        CREATE TABLE IF NOT EXISTS {TableName} (
            seq        INTEGER PRIMARY KEY AUTOINCREMENT,
            lease_name TEXT    NOT NULL,
            holder     TEXT    NOT NULL,
            epoch      INTEGER NOT NULL,
            written_at INTEGER NOT NULL
        );
        """,
        // SQLite's own clock, in Unix milliseconds, like the lease table.
        $"INSERT INTO {TableName} (lease_name, holder, epoch, written_at) VALUES (@lease, @holder, @epoch, CAST(ROUND((julianday('now') - 2440587.5) * 86400000.0) AS INTEGER));");

    private static readonly DrillSql PostgresDialect = new(
        $"""
        CREATE TABLE IF NOT EXISTS {TableName} (
            seq        bigserial   PRIMARY KEY,
            lease_name text        NOT NULL,
            holder     text        NOT NULL,
            epoch      bigint      NOT NULL,
            written_at timestamptz NOT NULL
        );
        """,
        $"INSERT INTO {TableName} (lease_name, holder, epoch, written_at) VALUES (@lease, @holder, @epoch, clock_timestamp());");

    private DrillSql(string create, string insert)
    {
        Create = create;
        Insert = insert;
    }

    public string Create { get; }

    public string Insert { get; }

    public string DeleteRun { get; } = $"DELETE FROM {TableName} WHERE lease_name = @lease;";

    public string SelectRun { get; } = $"SELECT seq, holder, epoch FROM {TableName} WHERE lease_name = @lease ORDER BY seq;";

    public static DrillSql For(ProviderKind provider) => provider == ProviderKind.Sqlite ? SqliteDialect : PostgresDialect;
}
