namespace Corda.HighAvailability.PostgreSql.LeaseElection;

/// <summary>
/// The statements of the PostgreSQL lease store, built once from validated identifiers (never quoted by hand,
/// so PostgreSQL folds them to lower case like any unquoted name). Every value is a parameter. Every time is the
/// server's: <c>now()</c> (the statement's transaction start, so that an expiry is exactly <c>now() + duration</c>
/// and the returned clock matches it) or <c>clock_timestamp()</c> inside a longer transaction.
/// Each result row is <c>succeeded, lease columns..., database now</c>, read by one mapper.
/// </summary>
internal sealed class PostgreSqlLeaseSql
{
    private const string Columns = "lease_name, holder_id, epoch, acquired_at, renewed_at, expires_at, holder_machine, holder_pid, holder_version";

    public PostgreSqlLeaseSql(string schema, string table, bool notify)
    {
        var qualified = $"{schema}.{table}";
        QualifiedTable = qualified;

        Schema = $"""
            CREATE TABLE IF NOT EXISTS {qualified} (
                lease_name     varchar(200) NOT NULL PRIMARY KEY,
                holder_id      varchar(255) NULL,
                epoch          bigint       NOT NULL,
                acquired_at    timestamptz  NULL,
                renewed_at     timestamptz  NULL,
                expires_at     timestamptz  NOT NULL,
                holder_machine varchar(255) NULL,
                holder_pid     integer      NULL,
                holder_version varchar(100) NULL
            );
            """;

        // The row as it stands when the write did not apply. It is read with the statement's snapshot, so after a
        // race with a concurrent insert it may be missing; the caller then gets "not acquired, row unknown".
        var current = $"SELECT false, {Columns}, now() FROM {qualified} WHERE lease_name = @name";

        // ON CONFLICT locks the row and re-checks the WHERE against its latest committed version, so of any number
        // of racing candidates exactly one sees the lease free and wins; the others wait for it and then fail.
        Acquire = $"""
            WITH acquired AS (
                INSERT INTO {qualified} AS cur ({Columns})
                VALUES (@name, @holder, 1, now(), now(), now() + @duration, @machine, @pid, @version)
                ON CONFLICT (lease_name) DO UPDATE SET
                    holder_id = EXCLUDED.holder_id,
                    epoch = cur.epoch + 1,
                    acquired_at = EXCLUDED.acquired_at,
                    renewed_at = EXCLUDED.renewed_at,
                    expires_at = EXCLUDED.expires_at,
                    holder_machine = EXCLUDED.holder_machine,
                    holder_pid = EXCLUDED.holder_pid,
                    holder_version = EXCLUDED.holder_version
                WHERE cur.holder_id IS NULL OR cur.expires_at <= now() OR cur.holder_id = EXCLUDED.holder_id
                RETURNING {Columns}
            )
            SELECT true, {Columns}, now() FROM acquired
            UNION ALL
            {current} AND NOT EXISTS (SELECT 1 FROM acquired)
            """;

        // A lapsed grant is never revived: the holder must acquire again, under a new epoch, so that nothing written
        // after a lapse can carry the old epoch.
        Renew = $"""
            WITH renewed AS (
                UPDATE {qualified} SET renewed_at = now(), expires_at = now() + @duration
                WHERE lease_name = @name AND holder_id = @holder AND epoch = @epoch AND expires_at > now()
                RETURNING {Columns}
            )
            SELECT true, {Columns}, now() FROM renewed
            UNION ALL
            {current} AND NOT EXISTS (SELECT 1 FROM renewed)
            """;

        // pg_notify runs once per returned row, so it fires only when a row was actually released; the
        // notification is delivered when this single statement's transaction commits.
        var notifyColumn = notify ? ", pg_notify(@channel, lease_name)" : string.Empty;
        Release = $"""
            WITH released AS (
                UPDATE {qualified} SET holder_id = NULL, expires_at = now(), holder_machine = NULL, holder_pid = NULL, holder_version = NULL
                WHERE lease_name = @name AND holder_id = @holder AND epoch = @epoch
                RETURNING lease_name
            )
            SELECT lease_name{notifyColumn} FROM released
            """;

        ForceRelease = $"""
            WITH forced AS (
                UPDATE {qualified} SET holder_id = NULL, epoch = epoch + 1, expires_at = now(), holder_machine = NULL, holder_pid = NULL, holder_version = NULL
                WHERE lease_name = @name
                RETURNING {Columns}
            )
            SELECT true, {Columns}, now(){notifyColumn} FROM forced
            """;

        // clock_timestamp(), not now(): this read also runs late inside a fenced transaction.
        Read = $"SELECT true, {Columns}, clock_timestamp() FROM {qualified} WHERE lease_name = @name";

        // The last statement of a fenced transaction. FOR SHARE conflicts with the row lock of any takeover or
        // forced release: one that committed earlier makes this check fail, one that comes later waits for our commit.
        FenceCheck = $"""
            SELECT epoch FROM {qualified}
            WHERE lease_name = @name AND holder_id = @holder AND epoch = @epoch AND expires_at > clock_timestamp()
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

    public string FenceCheck { get; }
}
