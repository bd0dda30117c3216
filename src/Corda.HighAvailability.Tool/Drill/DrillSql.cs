namespace Corda.HighAvailability.Tool.Drill;

/// <summary>
/// The drill's own tables: every fenced write a leader makes, with the epoch it was made under, numbered in true
/// commit order. A sequence or autoincrement number is assigned at insert, not at commit, so it cannot show a write
/// that was inserted early and committed late; instead every write increments one counter row in its own
/// transaction. The counter row stays locked until that transaction ends, so the numbers it hands out follow the
/// order in which the transactions committed. Reading the log in that order is how the drill proves that no two
/// leaders ever wrote interleaved. Each provider's row in <see cref="Providers.ProviderTable"/> names its dialect.
/// </summary>
internal sealed class DrillSql
{
    public const string TableName = "corda_ha_drill_log";
    public const string ClockTableName = "corda_ha_drill_clock";

    // SQLite and PostgreSQL accept the same upsert; the SELECT sees the row this transaction just wrote.
    private const string Insert =
        $"INSERT INTO {ClockTableName} (lease_name, n) VALUES (@lease, 1) ON CONFLICT (lease_name) DO UPDATE SET n = {ClockTableName}.n + 1;\n"
        + $"INSERT INTO {TableName} (lease_name, holder, epoch, commit_seq, written_at) VALUES (@lease, @holder, @epoch, (SELECT n FROM {ClockTableName} WHERE lease_name = @lease), {{0}});";

    public static readonly DrillSql Sqlite = new(
        $"""
        CREATE TABLE IF NOT EXISTS {TableName} (
            seq        INTEGER PRIMARY KEY AUTOINCREMENT,
            lease_name TEXT    NOT NULL,
            holder     TEXT    NOT NULL,
            epoch      INTEGER NOT NULL,
            commit_seq INTEGER NOT NULL,
            written_at INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS {ClockTableName} (lease_name TEXT NOT NULL PRIMARY KEY, n INTEGER NOT NULL);
        """,
        // SQLite's own clock, in Unix milliseconds, like the lease table.
        string.Format(System.Globalization.CultureInfo.InvariantCulture, Insert, "CAST(ROUND((julianday('now') - 2440587.5) * 86400000.0) AS INTEGER)"));

    public static readonly DrillSql Postgres = new(
        $"""
        CREATE TABLE IF NOT EXISTS {TableName} (
            seq        bigserial   PRIMARY KEY,
            lease_name text        NOT NULL,
            holder     text        NOT NULL,
            epoch      bigint      NOT NULL,
            commit_seq bigint      NOT NULL,
            written_at timestamptz NOT NULL
        );
        CREATE TABLE IF NOT EXISTS {ClockTableName} (lease_name text NOT NULL PRIMARY KEY, n bigint NOT NULL);
        """,
        string.Format(System.Globalization.CultureInfo.InvariantCulture, Insert, "clock_timestamp()"));

    /// <summary>
    /// T-SQL. SQL Server has no <c>ON CONFLICT</c>: the counter row is bumped by an UPDATE under UPDLOCK + HOLDLOCK and
    /// inserted only if that found no row. The update lock on the row (or, while there is none, the key-range lock
    /// HOLDLOCK takes on the gap where it would be) is held to the commit, so a second writer waits for the first to
    /// commit or roll back and then bumps the committed value: the numbers follow commit order, as in the other
    /// dialects. Update locks are never skipped by row versioning, so this holds under READ_COMMITTED_SNAPSHOT too.
    /// The log row is inserted from the counter row this transaction holds. Times are <c>SYSUTCDATETIME()</c>.
    /// </summary>
    public static readonly DrillSql SqlServer = new(
        $"""
        IF OBJECT_ID(N'{TableName}', N'U') IS NULL
            CREATE TABLE {TableName} (
                seq        bigint        IDENTITY(1, 1) PRIMARY KEY,
                lease_name nvarchar(200) NOT NULL,
                holder     nvarchar(255) NOT NULL,
                epoch      bigint        NOT NULL,
                commit_seq bigint        NOT NULL,
                written_at datetime2(7)  NOT NULL
            );
        IF OBJECT_ID(N'{ClockTableName}', N'U') IS NULL
            CREATE TABLE {ClockTableName} (lease_name nvarchar(200) NOT NULL PRIMARY KEY, n bigint NOT NULL);
        """,
        $"""
        UPDATE {ClockTableName} WITH (UPDLOCK, HOLDLOCK) SET n = n + 1 WHERE lease_name = @lease;
        IF @@ROWCOUNT = 0
            INSERT INTO {ClockTableName} (lease_name, n) VALUES (@lease, 1);
        INSERT INTO {TableName} (lease_name, holder, epoch, commit_seq, written_at)
            SELECT @lease, @holder, @epoch, n, SYSUTCDATETIME() FROM {ClockTableName} WHERE lease_name = @lease;
        """);

    private DrillSql(string create, string insert)
    {
        Create = create;
        InsertWrite = insert;
    }

    public string Create { get; }

    /// <summary>One fenced write: take the next commit number, then log the write under it.</summary>
    public string InsertWrite { get; }

    public string DeleteRun { get; } = $"DELETE FROM {TableName} WHERE lease_name = @lease; DELETE FROM {ClockTableName} WHERE lease_name = @lease;";

    /// <summary>The run's writes in commit order.</summary>
    public string SelectRun { get; } = $"SELECT commit_seq, holder, epoch FROM {TableName} WHERE lease_name = @lease ORDER BY commit_seq;";
}
