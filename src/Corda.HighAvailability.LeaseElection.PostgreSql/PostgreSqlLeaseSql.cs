using Corda.HighAvailability.LeaseElection.Sql;

namespace Corda.HighAvailability.LeaseElection.PostgreSql;

/// <summary>
/// The statements of the PostgreSQL lease store, built once from validated identifiers (never quoted by hand,
/// so PostgreSQL folds them to lower case like any unquoted name). Every value is a parameter. Every time is the
/// server's <c>clock_timestamp()</c>, read once per statement (the moment the statement runs, not the start of its
/// transaction). Times are for operators only: no statement decides on
/// a clock. Acquire compares the revision the candidate saw lapse; renew and release compare holder and epoch.
/// Each result row is <c>succeeded, lease columns..., database now</c>, read by one mapper.
/// </summary>
internal sealed class PostgreSqlLeaseSql
{
    private const string Columns = SqlLeaseRow.Columns;

    public PostgreSqlLeaseSql(string schema, string table, bool notify)
    {
        var qualified = $"{schema}.{table}";
        QualifiedTable = qualified;

        Schema = $"""
            CREATE TABLE IF NOT EXISTS {qualified} (
                lease_name      varchar(200) NOT NULL PRIMARY KEY,
                holder_id       varchar(255) NULL,
                epoch           bigint       NOT NULL,
                revision        bigint       NOT NULL,
                acquired_at     timestamptz  NULL,
                renewed_at      timestamptz  NULL,
                expires_at      timestamptz  NOT NULL,
                holder_machine  varchar(255) NULL,
                holder_pid      integer      NULL,
                holder_version  varchar(100) NULL,
                holder_instance varchar(64)  NULL
            );
            """;

        // The row as it stands when the write did not apply. It is read with the statement's snapshot, so after a
        // race with a concurrent insert it may be missing; the caller then gets "not acquired, row unknown".
        var current = $"SELECT false, {Columns}, clock_timestamp() FROM {qualified} WHERE lease_name = @name";

        // ON CONFLICT locks the row and re-checks the WHERE against its latest committed version, so of any number
        // of racing candidates exactly one sees the revision it expects (or a free row); the others fail. The
        // holder is never compared: a candidate does not inherit a grant because it carries the same identity.
        Acquire = $"""
            WITH acquired AS (
                INSERT INTO {qualified} AS cur ({Columns})
                SELECT @name, @holder, 1, 1, clock.t, clock.t, clock.t + @duration, @machine, @pid, @version, @instance
                FROM (SELECT clock_timestamp() AS t) AS clock
                ON CONFLICT (lease_name) DO UPDATE SET
                    holder_id = EXCLUDED.holder_id,
                    epoch = cur.epoch + 1,
                    revision = cur.revision + 1,
                    acquired_at = EXCLUDED.acquired_at,
                    renewed_at = EXCLUDED.renewed_at,
                    expires_at = EXCLUDED.expires_at,
                    holder_machine = EXCLUDED.holder_machine,
                    holder_pid = EXCLUDED.holder_pid,
                    holder_version = EXCLUDED.holder_version,
                    holder_instance = EXCLUDED.holder_instance
                WHERE cur.holder_id IS NULL OR cur.revision = @expected
                RETURNING {Columns}
            )
            SELECT true, {Columns}, clock_timestamp() FROM acquired
            UNION ALL
            {current} AND NOT EXISTS (SELECT 1 FROM acquired)
            """;

        // Only the grant's own holder and epoch: once another candidate took over (new epoch) or the grant was
        // released, it is never revived. The revision moves on, which is how standbys see the holder alive.
        Renew = $"""
            WITH renewed AS (
                UPDATE {qualified} SET revision = revision + 1, renewed_at = clock.t, expires_at = clock.t + @duration
                FROM (SELECT clock_timestamp() AS t) AS clock
                WHERE lease_name = @name AND holder_id = @holder AND epoch = @epoch
                RETURNING {Columns}
            )
            SELECT true, {Columns}, clock_timestamp() FROM renewed
            UNION ALL
            {current} AND NOT EXISTS (SELECT 1 FROM renewed)
            """;

        // pg_notify runs once per returned row, so it fires only when a row was actually released; the
        // notification is delivered when this single statement's transaction commits.
        var notifyColumn = notify ? ", pg_notify(@channel, lease_name)" : string.Empty;
        const string Vacate = "holder_id = NULL, revision = revision + 1, expires_at = clock_timestamp(), holder_machine = NULL, holder_pid = NULL, holder_version = NULL, holder_instance = NULL";
        Release = $"""
            WITH released AS (
                UPDATE {qualified} SET {Vacate}
                WHERE lease_name = @name AND holder_id = @holder AND epoch = @epoch
                RETURNING lease_name
            )
            SELECT lease_name{notifyColumn} FROM released
            """;

        ForceRelease = $"""
            WITH forced AS (
                UPDATE {qualified} SET epoch = epoch + 1, {Vacate}
                WHERE lease_name = @name
                RETURNING {Columns}
            )
            SELECT true, {Columns}, clock_timestamp(){notifyColumn} FROM forced
            """;

        Read = $"SELECT true, {Columns}, clock_timestamp() FROM {qualified} WHERE lease_name = @name";

        // The first statement of a fenced transaction: the server itself ends a transaction whose statement runs,
        // or whose client stays silent, for longer than the limit (a client that stalls or is cut off after the
        // check), so that its share lock cannot hold up a takeover. Both settings end with the transaction.
        FenceLimits = "SELECT set_config('statement_timeout', @limit_ms, true), set_config('idle_in_transaction_session_timeout', @limit_ms, true)";

        // The last statement of a fenced transaction. FOR SHARE conflicts with the row lock of any takeover or
        // forced release: one that committed earlier makes this check fail, one that comes later waits for our commit.
        FenceCheck = $"""
            SELECT epoch FROM {qualified}
            WHERE lease_name = @name AND holder_id = @holder AND epoch = @epoch
            FOR SHARE
            """;

        // Serialises concurrent EnsureSchemaAsync calls: racing CREATE TABLE IF NOT EXISTS can fail on pg_type.
        SchemaLock = "SELECT pg_advisory_xact_lock(hashtext(@lock_key))";
    }

    public string QualifiedTable { get; }

    public string Schema { get; }

    public string SchemaLock { get; }

    public string Acquire { get; }

    public string Renew { get; }

    public string Release { get; }

    public string ForceRelease { get; }

    public string Read { get; }

    public string FenceLimits { get; }

    public string FenceCheck { get; }
}
