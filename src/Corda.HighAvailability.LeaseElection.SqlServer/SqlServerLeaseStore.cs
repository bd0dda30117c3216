using System.Data.Common;
using System.Collections.Concurrent;
using System.Data;
using Corda.HighAvailability.LeaseElection.Sql;
using Corda.HighAvailability.LeaseElection.Storage;
using Microsoft.Data.SqlClient;

namespace Corda.HighAvailability.LeaseElection.SqlServer;

/// <summary>
/// Lease store on SQL Server or Azure SQL, for candidates on several hosts sharing the node's database. Acquire,
/// renew and release are each one batch, so one round trip, that is atomic under any number of racing candidates.
/// Every time is the database server's. SQL Server has no LISTEN/NOTIFY: a waiting standby polls the row's revision
/// (<see cref="SqlServerLeaseStoreOptions.ChangePollInterval"/>). Azure SQL's transient errors are retried where
/// that is safe (<see cref="SqlServerLeaseStoreOptions.TransientRetryCount"/>).
/// </summary>
/// <remarks>
/// Why polling and not Service Broker or query notifications: both need the broker enabled on the database, a
/// queue and a service (DDL and permissions beyond SELECT, INSERT and UPDATE on one table), and a dedicated
/// connection whose loss must be detected and repaired, as the PostgreSQL listener does; a primary-key read of
/// one bigint every poll interval costs the server next to nothing and cannot silently stop working. The handover
/// after a graceful release therefore takes up to one poll interval (250 ms by default) instead of milliseconds.
/// <para>
/// Idle-connection killers (NAT gateways, firewalls and load balancers that drop a quiet TCP connection, the
/// Azure SQL gateway closing long-idle connections): every operation takes a pooled connection for one batch and
/// gives it back, so a pooled connection is often idle between renewals. SqlClient's idle connection resiliency (<c>ConnectRetryCount</c>,
/// default 1, and 2 on Azure SQL endpoints; <c>ConnectRetryInterval</c>) reconnects such a connection when the next
/// command is sent, before the batch runs; it never replays half a batch, and it does not recover a connection
/// with an open transaction, so a fenced transaction cut off this way fails and is not retried. This store does
/// not change those settings: each batch carries all its session state (<c>SET XACT_ABORT</c>, <c>SET
/// LOCK_TIMEOUT</c>, reset in the same batch), so a reconnected session needs nothing replayed. Setting
/// <c>ConnectRetryCount=0</c> turns a dead pooled connection into a failed operation instead; the elector then
/// tries again at its next retry period, and its renew deadline, on its own clock, still bounds how long it leads
/// without a successful renewal. A reconnect that needs more than one attempt waits <c>ConnectRetryInterval</c>
/// (default 10 s) between them, which can outlast the renew deadline and cost the leadership (never safety):
/// with a short renew deadline, lower the interval rather than raise the count.
/// </para>
/// </remarks>
public sealed partial class SqlServerLeaseStore : ISqlLeaseStore
{
    /// <summary>SQL Server's "Invalid object name": the table or its schema does not exist.</summary>
    internal const int InvalidObjectName = 208;

    /// <summary>SQL Server's "There is already an object named ... in the database".</summary>
    private const int ObjectAlreadyExists = 2714;

    private readonly SqlServerLeaseStoreOptions _options;
    private readonly SqlServerLeaseSql _sql;
    private readonly TimeProvider _time;
    private readonly int _commandTimeoutSeconds;

    // The last revision this store saw of each lease (0: no row), the baseline of the change poll: a change that
    // lands between a read (or a lost acquire) and the next wait then ends that wait at once, not a poll later.
    private readonly ConcurrentDictionary<string, long> _seenRevisions = new(StringComparer.Ordinal);
    private int _disposed;

    /// <summary>Creates the store. No connection is opened until the first operation.</summary>
    /// <param name="options">Connection string, identifiers and timings; validated here.</param>
    /// <param name="timeProvider">Time provider for waits; default <see cref="TimeProvider.System"/>.</param>
    public SqlServerLeaseStore(SqlServerLeaseStoreOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = SqlServerLeaseStoreOptionsValidator.Check(options);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _sql = new SqlServerLeaseSql(options.SchemaName, options.TableName);
        _time = timeProvider ?? TimeProvider.System;
        _commandTimeoutSeconds = (int)Math.Ceiling(options.CommandTimeout.TotalSeconds);
    }

    /// <inheritdoc />
    public string ProviderName => "sqlserver";

    /// <summary>The statements this store sends; for the offline T-SQL tests.</summary>
    internal SqlServerLeaseSql Sql => _sql;

    /// <inheritdoc />
    public string GetSchemaScript() => $"""
        -- Lease table of Corda.HighAvailability (SQL Server / Azure SQL). Apply as the schema owner.
        {_sql.Schema}

        -- The runtime user needs only these permissions, for example:
        -- GRANT SELECT, INSERT, UPDATE ON {_sql.QualifiedTable} TO corda_ha_runtime;

        """;

    /// <inheritdoc />
    public Task EnsureSchemaAsync(CancellationToken cancellationToken) => WithRetriesAsync(
        SqlServerLeaseOperation.EnsureSchema,
        async (_, ct) =>
        {
            var connection = await OpenAsync(ct).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var command = CreateCommand(connection, null, _sql.SchemaEnsure);
                await using (command.ConfigureAwait(false))
                {
                    AddText(command.Parameters, "@lock_key", "corda_ha_schema:" + _sql.QualifiedTable);
                    command.Parameters.Add(new SqlParameter("@lock_timeout_ms", SqlDbType.Int) { Value = _commandTimeoutSeconds * 1000 });
                    try
                    {
                        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    }
                    catch (SqlException ex) when (ex.Number == ObjectAlreadyExists)
                    {
                        // Another host created it between our check and our CREATE (the app lock timed out).
                    }
                }
            }

            return true;
        },
        cancellationToken);

    /// <inheritdoc />
    public async Task<LeaseRecord?> ReadAsync(string leaseName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseName);
        var (_, record) = await WithRetriesAsync(
            SqlServerLeaseOperation.Read,
            (_, ct) => QueryRecordAsync(_sql.Read, parameters => AddName(parameters, leaseName), ct),
            cancellationToken).ConfigureAwait(false);
        Observe(leaseName, record);
        return record;
    }

    /// <inheritdoc />
    /// <remarks>
    /// A transient error is retried by sending the same compare-and-set again. If the first attempt never applied,
    /// the retry is simply the attempt. If it did apply (the error came after the commit, e.g. Azure SQL failed
    /// over while the answer was on its way), the retry finds the revision moved on and does not apply: the store
    /// then reports success only if the row is exactly the grant the first attempt wrote (see
    /// <see cref="IsGrantOfEarlierAttempt"/>), so the elector leads under the epoch the database gave it instead of
    /// waiting a lease duration to take its own grant over.
    /// </remarks>
    public async Task<LeaseAttemptResult> TryAcquireAsync(string leaseName, LeaseHolder holder, TimeSpan leaseDuration, long? expectedRevision, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseName);
        ArgumentNullException.ThrowIfNull(holder);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseDuration, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(leaseDuration, TimeSpan.FromMilliseconds(int.MaxValue));
        var (succeeded, record) = await WithRetriesAsync(
            SqlServerLeaseOperation.Acquire,
            async (attempt, ct) =>
            {
                var (applied, row) = await QueryRecordAsync(
                    _sql.Acquire,
                    parameters =>
                    {
                        AddName(parameters, leaseName);
                        AddText(parameters, "@holder", holder.Id);
                        AddDuration(parameters, leaseDuration);
                        AddText(parameters, "@machine", holder.Machine);
                        parameters.Add(new SqlParameter("@pid", SqlDbType.Int) { Value = (object?)holder.ProcessId ?? DBNull.Value });
                        AddText(parameters, "@version", holder.Version);
                        AddText(parameters, "@instance", holder.InstanceId);
                        parameters.Add(new SqlParameter("@expected", SqlDbType.BigInt) { Value = (object?)expectedRevision ?? DBNull.Value });
                    },
                    ct).ConfigureAwait(false);
                return (applied || (attempt > 1 && IsGrantOfEarlierAttempt(row, holder, expectedRevision)), row);
            },
            cancellationToken).ConfigureAwait(false);
        Observe(leaseName, record);
        return new LeaseAttemptResult(succeeded && record is not null, record);
    }

    /// <inheritdoc />
    /// <remarks>
    /// A transient error is retried by sending the same renewal again: if the first had applied, the row still
    /// carries this holder and epoch (only the revision moved), so the retry applies again and moves the revision
    /// once more, which is harmless; if it had not, the retry is the renewal.
    /// </remarks>
    public async Task<LeaseAttemptResult> TryRenewAsync(LeaseToken token, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseDuration, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(leaseDuration, TimeSpan.FromMilliseconds(int.MaxValue));
        var (succeeded, record) = await WithRetriesAsync(
            SqlServerLeaseOperation.Renew,
            (_, ct) => QueryRecordAsync(
                _sql.Renew,
                parameters =>
                {
                    AddToken(parameters, token);
                    AddDuration(parameters, leaseDuration);
                },
                ct),
            cancellationToken).ConfigureAwait(false);
        Observe(token.LeaseName, record);
        return new LeaseAttemptResult(succeeded && record is not null, record);
    }

    /// <inheritdoc />
    /// <remarks>
    /// A transient error is retried: if the first release had applied, the retry finds the row vacated under the
    /// token's own epoch (only a release by this holder and epoch leaves it so; a forced release moves the epoch)
    /// and reports the release as done.
    /// </remarks>
    public async Task<bool> ReleaseAsync(LeaseToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var (released, record) = await WithRetriesAsync(
            SqlServerLeaseOperation.Release,
            async (attempt, ct) =>
            {
                var (applied, row) = await QueryRecordAsync(_sql.Release, parameters => AddToken(parameters, token), ct).ConfigureAwait(false);
                return (applied || (attempt > 1 && IsReleaseOfEarlierAttempt(row, token)), row);
            },
            cancellationToken).ConfigureAwait(false);
        Observe(token.LeaseName, record);
        return released;
    }

    /// <inheritdoc />
    /// <remarks>Never retried: a second application would also release a grant taken between the two.</remarks>
    public async Task<LeaseRecord?> ForceReleaseAsync(string leaseName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseName);
        var (_, record) = await WithRetriesAsync(
            SqlServerLeaseOperation.ForceRelease,
            (_, ct) => QueryRecordAsync(_sql.ForceRelease, parameters => AddName(parameters, leaseName), ct),
            cancellationToken).ConfigureAwait(false);
        if (record is not null)
        {
            Observe(leaseName, record);
        }

        return record;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Polls the row's revision every <see cref="SqlServerLeaseStoreOptions.ChangePollInterval"/> and returns
    /// <see langword="true"/> as soon as it differs from the last revision this store saw (from any read or write),
    /// or from the first poll when it saw none. The revision moves on every write, so a renewal also ends the wait;
    /// the elector then reads the row, which it would have done at the end of the wait anyway.
    /// </remarks>
    public async Task<bool> WaitForChangeAsync(string leaseName, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseName);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var started = _time.GetTimestamp();
        long? baseline = _seenRevisions.TryGetValue(leaseName, out var seen) ? seen : null;
        while (true)
        {
            var revision = await WithRetriesAsync(SqlServerLeaseOperation.Read, (_, ct) => PollRevisionAsync(leaseName, ct), cancellationToken).ConfigureAwait(false);
            _seenRevisions[leaseName] = revision;
            if (baseline is { } before && before != revision)
            {
                return true;
            }

            baseline = revision;
            var remaining = timeout - _time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                return false;
            }

            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            await Task.Delay(remaining < _options.ChangePollInterval ? remaining : _options.ChangePollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Connections come from SqlClient's pool, which is shared by every store with the same connection string, so
    /// disposing one store does not clear it.
    /// </remarks>
    public ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _disposed, 1);
        return ValueTask.CompletedTask;
    }

    private void Observe(string leaseName, LeaseRecord? record) => _seenRevisions[leaseName] = record?.Revision ?? 0;

    private async Task<SqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var connection = new SqlConnection(_options.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<(bool Succeeded, LeaseRecord? Record)> QueryRecordAsync(string sql, Action<SqlParameterCollection> bind, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = CreateCommand(connection, null, sql);
            await using (command.ConfigureAwait(false))
            {
                bind(command.Parameters);
                try
                {
                    return await ReadRecordAsync(command, cancellationToken).ConfigureAwait(false);
                }
                catch (SqlException ex) when (IsMissingTable(ex))
                {
                    throw LeaseSchemaMissingException.ForTable(_sql.QualifiedTable, ProviderName, ex);
                }
            }
        }
    }

    private async Task<long> PollRevisionAsync(string leaseName, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = CreateCommand(connection, null, _sql.PollRevision);
            await using (command.ConfigureAwait(false))
            {
                AddName(command.Parameters, leaseName);
                try
                {
                    return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long revision ? revision : 0;
                }
                catch (SqlException ex) when (IsMissingTable(ex))
                {
                    throw LeaseSchemaMissingException.ForTable(_sql.QualifiedTable, ProviderName, ex);
                }
            }
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Statements come from SqlServerLeaseSql, built once from validated identifiers; every value is a parameter.")]
    private SqlCommand CreateCommand(SqlConnection connection, SqlTransaction? transaction, string sql, int? timeoutSeconds = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.CommandTimeout = timeoutSeconds ?? _commandTimeoutSeconds;
        return command;
    }

    /// <summary>Maps the first row of <c>succeeded, lease columns..., database now</c>.</summary>
    private static Task<(bool Succeeded, LeaseRecord? Record)> ReadRecordAsync(DbCommand command, CancellationToken cancellationToken) =>
        SqlLeaseRow.ReadFirstAsync(command, ReadTime, cancellationToken);

    /// <summary>Times are stored as timestamptz / datetimeoffset.</summary>
    private static DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    /// <summary>Error 208, "Invalid object name": the table, or its schema, does not exist.</summary>
    internal static bool IsMissingTable(SqlException exception) => exception.Number == InvalidObjectName;

    private static void AddToken(SqlParameterCollection parameters, LeaseToken token)
    {
        AddName(parameters, token.LeaseName);
        AddText(parameters, "@holder", token.HolderId);
        parameters.Add(new SqlParameter("@epoch", SqlDbType.BigInt) { Value = token.Epoch });
    }

    private static void AddDuration(SqlParameterCollection parameters, TimeSpan duration) =>
        parameters.Add(new SqlParameter("@duration_ms", SqlDbType.Int) { Value = (int)Math.Ceiling(duration.TotalMilliseconds) });

    private static void AddName(SqlParameterCollection parameters, string leaseName) => AddText(parameters, "@name", leaseName);

    // No size is given: SqlClient sizes the parameter from the value, so a value longer than its column fails with
    // "string or binary data would be truncated" instead of being cut silently (two long holder ids cut to the same
    // prefix would compare equal).
    private static void AddText(SqlParameterCollection parameters, string name, string? value) =>
        parameters.Add(new SqlParameter(name, SqlDbType.NVarChar) { Value = (object?)value ?? DBNull.Value });
}
