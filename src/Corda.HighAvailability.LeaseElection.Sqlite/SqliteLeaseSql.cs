using Corda.HighAvailability.LeaseElection.Sql;

namespace Corda.HighAvailability.LeaseElection.Sqlite;

/// <summary>
/// The statements of the SQLite lease store. Times are Unix milliseconds from SQLite's own clock
/// (<c>julianday('now')</c>), which for an embedded database is the clock of the host that owns the file; they are
/// for operators only, since no statement decides on a clock. Acquire compares the revision the candidate saw lapse;
/// renew and release compare holder and epoch. The table name is validated before it is spliced in; every value is
/// a parameter.
/// </summary>
internal sealed class SqliteLeaseSql
{
    private const string Now = "CAST(ROUND((julianday('now') - 2440587.5) * 86400000.0) AS INTEGER)";
    private const string Columns = SqlLeaseRow.Columns;
    private const string Vacate = "holder_id = NULL, revision = revision + 1, expires_at = " + Now + ", holder_machine = NULL, holder_pid = NULL, holder_version = NULL, holder_instance = NULL";

    public SqliteLeaseSql(string table)
    {
        Schema = $"""
            CREATE TABLE IF NOT EXISTS {table} (
                lease_name      TEXT    NOT NULL PRIMARY KEY,
                holder_id       TEXT    NULL,
                epoch           INTEGER NOT NULL,
                revision        INTEGER NOT NULL,
                acquired_at     INTEGER NULL,
                renewed_at      INTEGER NULL,
                expires_at      INTEGER NOT NULL,
                holder_machine  TEXT    NULL,
                holder_pid      INTEGER NULL,
                holder_version  TEXT    NULL,
                holder_instance TEXT    NULL
            );
            """;

        var select = $"SELECT changes(), {Columns}, {Now} FROM {table} WHERE lease_name = $name;";

        // One statement decides (compare-and-set on the revision the candidate saw lapse, or a free row); the SELECT
        // reads the result in the same transaction. The holder is never compared with the candidate's identity.
        Acquire = $"""
            INSERT INTO {table} ({Columns})
            VALUES ($name, $holder, 1, 1, {Now}, {Now}, {Now} + $duration_ms, $machine, $pid, $version, $instance)
            ON CONFLICT (lease_name) DO UPDATE SET
                holder_id = excluded.holder_id,
                epoch = {table}.epoch + 1,
                revision = {table}.revision + 1,
                acquired_at = excluded.acquired_at,
                renewed_at = excluded.renewed_at,
                expires_at = excluded.expires_at,
                holder_machine = excluded.holder_machine,
                holder_pid = excluded.holder_pid,
                holder_version = excluded.holder_version,
                holder_instance = excluded.holder_instance
            WHERE {table}.holder_id IS NULL OR {table}.revision = $expected;
            {select}
            """;

        // Only the grant's own holder and epoch: once another candidate took over or the grant was released, it is
        // never revived. The revision moves on, which is how standbys see the holder alive.
        Renew = $"""
            UPDATE {table} SET revision = revision + 1, renewed_at = {Now}, expires_at = {Now} + $duration_ms
            WHERE lease_name = $name AND holder_id = $holder AND epoch = $epoch;
            {select}
            """;

        Release = $"""
            UPDATE {table} SET {Vacate}
            WHERE lease_name = $name AND holder_id = $holder AND epoch = $epoch;
            SELECT changes();
            """;

        ForceRelease = $"""
            UPDATE {table} SET epoch = epoch + 1, {Vacate}
            WHERE lease_name = $name;
            {select}
            """;

        Read = select;

        FenceCheck = $"""
            SELECT COUNT(*) FROM {table}
            WHERE lease_name = $name AND holder_id = $holder AND epoch = $epoch;
            """;
    }

    public string Schema { get; }

    public string Acquire { get; }

    public string Renew { get; }

    public string Release { get; }

    public string ForceRelease { get; }

    public string Read { get; }

    public string FenceCheck { get; }
}
