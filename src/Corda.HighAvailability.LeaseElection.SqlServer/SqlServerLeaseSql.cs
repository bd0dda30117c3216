using Corda.HighAvailability.LeaseElection.Sql;

namespace Corda.HighAvailability.LeaseElection.SqlServer;

/// <summary>
/// The T-SQL of the SQL Server lease store, built once from validated identifiers (never bracket-quoted: they are
/// refused instead). Every value is a parameter. Every time is the server's <c>SYSUTCDATETIME()</c>, read once per
/// statement into <c>@now</c>, stored as <c>datetimeoffset</c> at offset zero. Times are for operators only: no
/// statement decides on a clock. Acquire compares the revision the candidate saw lapse; renew and release compare
/// holder and epoch. Each result row is <c>succeeded, lease columns..., database now</c>, read by one mapper.
/// </summary>
/// <remarks>
/// Each write is one batch, so one round trip, that ends its own transaction before it returns a row: the written
/// or current row is captured in a table variable (which a rollback does not touch) and selected after the
/// commit, so a client that stalls while reading the result holds no lock. <c>SET XACT_ABORT ON</c> makes any
/// error, and the attention a client sends on a command timeout or cancellation, roll the transaction back.
/// </remarks>
internal sealed class SqlServerLeaseSql
{
    private const string Columns = SqlLeaseRow.Columns;

    private const string Now = "TODATETIMEOFFSET(SYSUTCDATETIME(), 0)";

    private const string LockTimeoutPlaceholder = "__lock_timeout_ms__";

    public SqlServerLeaseSql(string schema, string table)
    {
        var qualified = $"{schema}.{table}";
        QualifiedTable = qualified;

        var columnDefinitions = """
                lease_name      nvarchar(200)     NOT NULL,
                holder_id       nvarchar(255)     NULL,
                epoch           bigint            NOT NULL,
                revision        bigint            NOT NULL,
                acquired_at     datetimeoffset(7) NULL,
                renewed_at      datetimeoffset(7) NULL,
                expires_at      datetimeoffset(7) NOT NULL,
                holder_machine  nvarchar(255)     NULL,
                holder_pid      int               NULL,
                holder_version  nvarchar(100)     NULL,
                holder_instance nvarchar(64)      NULL
            """;

        Schema = $"""
            IF OBJECT_ID(N'{qualified}', N'U') IS NULL
            BEGIN
                CREATE TABLE {qualified} (
                {columnDefinitions},
                    CONSTRAINT PK_{table} PRIMARY KEY CLUSTERED (lease_name)
                );
            END;
            """;

        // Serialises concurrent EnsureSchemaAsync calls: two racing IF OBJECT_ID ... CREATE TABLE would both see no
        // table and the second would fail with error 2714.
        SchemaEnsure = $"""
            SET XACT_ABORT ON;
            BEGIN TRANSACTION;
            EXEC sp_getapplock @Resource = @lock_key, @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = @lock_timeout_ms;
            {Schema}
            COMMIT TRANSACTION;
            """;

        var prologue = $"""
            SET NOCOUNT ON;
            SET XACT_ABORT ON;
            DECLARE @now datetimeoffset(7) = {Now};
            DECLARE @succeeded bit = 0;
            DECLARE @row TABLE (
            {columnDefinitions}
            );
            """;
        var result = $"SELECT @succeeded, {Columns}, {Now} FROM @row;";

        // Acquire: UPDATE, else INSERT, in one transaction, under UPDLOCK + HOLDLOCK (serializable for this table).
        // - The row exists: the UPDATE takes an update lock on it before it evaluates the WHERE on the latest
        //   committed version (update locks are never skipped by row versioning, so this holds with
        //   READ_COMMITTED_SNAPSHOT, Azure SQL's default, too). Update locks exclude each other: a second candidate
        //   waits, then evaluates the WHERE on the winner's committed row, whose revision has moved, and fails.
        // - No row yet: HOLDLOCK makes the UPDATE take a key-range update lock on the gap where the key would be,
        //   held to the commit. Range update locks exclude each other too, so a second candidate waits until the
        //   first inserted and committed, then finds the row and fails. Without HOLDLOCK both could see no row and
        //   both insert (one would then fail on the primary key: an error, not a double win, but not an answer).
        // Not MERGE: a MERGE without HOLDLOCK has exactly that race on the missing key (it takes no range lock),
        // and MERGE has a long record of product bugs; this documented UPDATE-then-INSERT pattern is what it
        // would compile to anyway. The holder is never compared: a candidate with the same identity does not
        // inherit a grant. The row returned is read under the locks this transaction still holds.
        Acquire = $"""
            {prologue}
            BEGIN TRANSACTION;
            UPDATE {qualified} WITH (UPDLOCK, HOLDLOCK)
            SET holder_id = @holder,
                epoch = epoch + 1,
                revision = revision + 1,
                acquired_at = @now,
                renewed_at = @now,
                expires_at = DATEADD(millisecond, @duration_ms, @now),
                holder_machine = @machine,
                holder_pid = @pid,
                holder_version = @version,
                holder_instance = @instance
            OUTPUT {Inserted()} INTO @row
            WHERE lease_name = @name AND (holder_id IS NULL OR revision = @expected);
            IF @@ROWCOUNT = 1
                SET @succeeded = 1;
            ELSE IF NOT EXISTS (SELECT 1 FROM {qualified} WITH (UPDLOCK, HOLDLOCK) WHERE lease_name = @name)
            BEGIN
                INSERT INTO {qualified} ({Columns})
                OUTPUT {Inserted()} INTO @row
                VALUES (@name, @holder, 1, 1, @now, @now, DATEADD(millisecond, @duration_ms, @now), @machine, @pid, @version, @instance);
                SET @succeeded = 1;
            END
            ELSE
                INSERT INTO @row ({Columns}) SELECT {Columns} FROM {qualified} WITH (HOLDLOCK) WHERE lease_name = @name;
            COMMIT TRANSACTION;
            {result}
            """;

        // One UPDATE, atomic on its own: only the grant's own holder and epoch, so a grant that was taken over (new
        // epoch) or released is never revived. The current row is read after it when it did not apply.
        Renew = $"""
            {prologue}
            UPDATE {qualified}
            SET revision = revision + 1, renewed_at = @now, expires_at = DATEADD(millisecond, @duration_ms, @now)
            OUTPUT {Inserted()} INTO @row
            WHERE lease_name = @name AND holder_id = @holder AND epoch = @epoch;
            IF @@ROWCOUNT = 1
                SET @succeeded = 1;
            ELSE
                INSERT INTO @row ({Columns}) SELECT {Columns} FROM {qualified} WHERE lease_name = @name;
            {result}
            """;

        const string Vacate = "holder_id = NULL, revision = revision + 1, expires_at = @now, holder_machine = NULL, holder_pid = NULL, holder_version = NULL, holder_instance = NULL";
        Release = $"""
            {prologue}
            UPDATE {qualified}
            SET {Vacate}
            OUTPUT {Inserted()} INTO @row
            WHERE lease_name = @name AND holder_id = @holder AND epoch = @epoch;
            IF @@ROWCOUNT = 1
                SET @succeeded = 1;
            ELSE
                INSERT INTO @row ({Columns}) SELECT {Columns} FROM {qualified} WHERE lease_name = @name;
            {result}
            """;

        ForceRelease = $"""
            {prologue}
            UPDATE {qualified}
            SET epoch = epoch + 1, {Vacate}
            OUTPUT {Inserted()} INTO @row
            WHERE lease_name = @name;
            SET @succeeded = 1;
            {result}
            """;

        Read = $"SELECT CAST(1 AS bit), {Columns}, {Now} FROM {qualified} WHERE lease_name = @name";

        // The change signal: one primary-key read of the revision, which moves on every write of the row.
        PollRevision = $"SELECT revision FROM {qualified} WHERE lease_name = @name";

        // The last statement of a fenced transaction. HOLDLOCK keeps the shared lock it takes on the lease row to
        // the commit (it is a locking read even under READ_COMMITTED_SNAPSHOT, so it sees the latest committed
        // row, not a version), and ROWLOCK keeps it to that row. A takeover or forced release that committed
        // earlier makes the check fail; one that comes later needs an update lock on the row and waits for our
        // commit, so it can never slip in between check and commit. LOCK_TIMEOUT bounds how long the check itself
        // may wait for a lock (a literal: SET LOCK_TIMEOUT takes no variable), and is reset in the same batch so
        // that the pooled connection does not keep it.
        FenceCheckTemplate = $"""
            SET LOCK_TIMEOUT {LockTimeoutPlaceholder};
            SELECT epoch FROM {qualified} WITH (HOLDLOCK, ROWLOCK)
            WHERE lease_name = @name AND holder_id = @holder AND epoch = @epoch;
            SET LOCK_TIMEOUT -1;
            """;
    }

    public string QualifiedTable { get; }

    public string Schema { get; }

    public string SchemaEnsure { get; }

    public string Acquire { get; }

    public string Renew { get; }

    public string Release { get; }

    public string ForceRelease { get; }

    public string Read { get; }

    public string PollRevision { get; }

    /// <summary>The fence check, with <see cref="LockTimeoutPlaceholder"/> for the lock timeout in milliseconds.</summary>
    public string FenceCheckTemplate { get; }

    /// <summary>The fence check with its lock timeout (an integer this class formats, never caller text).</summary>
    public string FenceCheck(long lockTimeoutMilliseconds) => FenceCheckTemplate.Replace(
        LockTimeoutPlaceholder,
        Math.Max(1, lockTimeoutMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        StringComparison.Ordinal);

    private static string Inserted() => string.Join(", ", Columns.Split(", ").Select(c => "INSERTED." + c));
}
