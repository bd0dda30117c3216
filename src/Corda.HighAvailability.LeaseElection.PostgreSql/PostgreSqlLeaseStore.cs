using System.Data;
using Corda.HighAvailability.LeaseElection.Fencing;
using Corda.HighAvailability.LeaseElection.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Corda.HighAvailability.LeaseElection.PostgreSql;

/// <summary>
/// Lease store on PostgreSQL, for candidates on several hosts sharing the node's (clustered) database. Acquire,
/// renew and release are each a single statement, so one round trip that is atomic under any number of racing
/// candidates. Every time is the database server's. Releases are announced with LISTEN/NOTIFY, so a waiting
/// standby takes over a gracefully released lease in milliseconds (see <see cref="PostgreSqlLeaseStoreOptions.UseNotifications"/>).
/// </summary>
public sealed class PostgreSqlLeaseStore : ILeaseStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgreSqlLeaseStoreOptions _options;
    private readonly PostgreSqlLeaseSql _sql;
    private readonly TimeProvider _time;
    private readonly int _commandTimeoutSeconds;
    private readonly string _channel;
    private readonly PostgreSqlChangeListener? _listener;
    private int _disposed;

    /// <summary>Creates the store. No connection is opened until the first operation.</summary>
    /// <param name="options">Connection string, identifiers and timings; validated here.</param>
    /// <param name="timeProvider">Time provider for waits; default <see cref="TimeProvider.System"/>.</param>
    public PostgreSqlLeaseStore(PostgreSqlLeaseStoreOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = PostgreSqlLeaseStoreOptionsValidator.Check(options);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _sql = new PostgreSqlLeaseSql(options.SchemaName, options.TableName, options.UseNotifications);
        _time = timeProvider ?? TimeProvider.System;
        _commandTimeoutSeconds = (int)Math.Ceiling(options.CommandTimeout.TotalSeconds);

        // LISTEN folds the unquoted channel name to lower case; pg_notify takes its argument verbatim.
        _channel = options.NotificationChannel.ToLowerInvariant();
        _dataSource = NpgsqlDataSource.Create(options.ConnectionString);
        _listener = options.UseNotifications
            ? new PostgreSqlChangeListener(options.ConnectionString, options.NotificationChannel, _time, _commandTimeoutSeconds)
            : null;
    }

    /// <inheritdoc />
    public string ProviderName => "postgres";

    /// <summary>Completes once the store's LISTEN connection is in effect; tests wait for it before releasing.</summary>
    internal Task Listening => _listener?.Listening ?? Task.CompletedTask;

    /// <inheritdoc />
    public string GetSchemaScript() => $"""
        -- Lease table of Corda.HighAvailability (PostgreSQL). Apply as the schema owner.
        {_sql.Schema}

        -- The runtime role needs only these privileges (LISTEN and pg_notify need none), for example:
        -- GRANT USAGE ON SCHEMA {_options.SchemaName} TO corda_ha_runtime;
        -- GRANT SELECT, INSERT, UPDATE ON {_sql.QualifiedTable} TO corda_ha_runtime;

        """;

    /// <inheritdoc />
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var lockCommand = CreateCommand(connection, transaction, _sql.SchemaLock);
                await using (lockCommand.ConfigureAwait(false))
                {
                    lockCommand.Parameters.AddWithValue("lock_key", "corda_ha_schema:" + _sql.QualifiedTable);
                    await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                var create = CreateCommand(connection, transaction, _sql.Schema);
                await using (create.ConfigureAwait(false))
                {
                    await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async Task<LeaseRecord?> ReadAsync(string leaseName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseName);

        // A candidate that reads waits for a change next: listen from now on, so that a release landing between
        // this read and that wait is not missed.
        _listener?.Start();
        var (_, record) = await QueryRecordAsync(_sql.Read, parameters => AddName(parameters, leaseName), cancellationToken).ConfigureAwait(false);
        return record;
    }

    /// <inheritdoc />
    public async Task<LeaseAttemptResult> TryAcquireAsync(string leaseName, LeaseHolder holder, TimeSpan leaseDuration, long? expectedRevision, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseName);
        ArgumentNullException.ThrowIfNull(holder);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseDuration, TimeSpan.Zero);

        // A candidate that loses waits for a release next: listen from now on, so that a release landing between
        // this attempt and that wait is not missed.
        _listener?.Start();
        var (succeeded, record) = await QueryRecordAsync(
            _sql.Acquire,
            parameters =>
            {
                AddName(parameters, leaseName);
                AddText(parameters, "holder", holder.Id);
                parameters.Add(new NpgsqlParameter("duration", NpgsqlDbType.Interval) { Value = leaseDuration });
                AddText(parameters, "machine", holder.Machine);
                parameters.Add(new NpgsqlParameter("pid", NpgsqlDbType.Integer) { Value = (object?)holder.ProcessId ?? DBNull.Value });
                AddText(parameters, "version", holder.Version);
                AddText(parameters, "instance", holder.InstanceId);
                parameters.Add(new NpgsqlParameter("expected", NpgsqlDbType.Bigint) { Value = (object?)expectedRevision ?? DBNull.Value });
            },
            cancellationToken).ConfigureAwait(false);
        return new LeaseAttemptResult(succeeded && record is not null, record);
    }

    /// <inheritdoc />
    public async Task<LeaseAttemptResult> TryRenewAsync(LeaseToken token, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseDuration, TimeSpan.Zero);
        var (succeeded, record) = await QueryRecordAsync(
            _sql.Renew,
            parameters =>
            {
                AddToken(parameters, token);
                parameters.Add(new NpgsqlParameter("duration", NpgsqlDbType.Interval) { Value = leaseDuration });
            },
            cancellationToken).ConfigureAwait(false);
        return new LeaseAttemptResult(succeeded && record is not null, record);
    }

    /// <inheritdoc />
    public async Task<bool> ReleaseAsync(LeaseToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = CreateCommand(connection, null, _sql.Release);
            await using (command.ConfigureAwait(false))
            {
                AddToken(command.Parameters, token);
                AddChannel(command.Parameters);
                try
                {
                    var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (PostgresException ex) when (IsMissingTable(ex))
                {
                    throw LeaseSchemaMissingException.ForTable(_sql.QualifiedTable, ProviderName, ex);
                }
            }
        }
    }

    /// <inheritdoc />
    public async Task<LeaseRecord?> ForceReleaseAsync(string leaseName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseName);
        var (_, record) = await QueryRecordAsync(
            _sql.ForceRelease,
            parameters =>
            {
                AddName(parameters, leaseName);
                AddChannel(parameters);
            },
            cancellationToken).ConfigureAwait(false);
        return record;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The work runs first, in a READ COMMITTED transaction; the lease check is the last statement before the
    /// commit and takes a share lock on the lease row. A takeover or forced release that committed before the
    /// check makes it fail (the transaction is rolled back and <see cref="LeaseFencedException"/> thrown); one that
    /// comes after it must wait for the row lock until this transaction has ended, so it can never slip in
    /// between check and commit. Checking first instead would leave exactly that gap open for the whole work.
    /// The first statement sets <c>statement_timeout</c> and <c>idle_in_transaction_session_timeout</c> to
    /// <paramref name="timeout"/> for this transaction only: a client that stalls or is cut off after the check is
    /// disconnected by the server, which releases the lock, instead of holding up every takeover until TCP gives up.
    /// Keep fenced transactions short: while the lock is held, the leader's own renewal waits too.
    /// </remarks>
    public async Task<T> ExecuteFencedAsync<T>(LeaseToken token, TimeSpan timeout, Func<FencedTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(work);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var started = _time.GetTimestamp();
        using var limit = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        try
        {
            var connection = await _dataSource.OpenConnectionAsync(linked.Token).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, linked.Token).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    var limits = CreateCommand(connection, transaction, _sql.FenceLimits);
                    await using (limits.ConfigureAwait(false))
                    {
                        var milliseconds = (long)Math.Ceiling(timeout.TotalMilliseconds);
                        AddText(limits.Parameters, "limit_ms", milliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        await limits.ExecuteNonQueryAsync(linked.Token).ConfigureAwait(false);
                    }

                    var result = await work(new FencedTransaction(connection, transaction, token), linked.Token).ConfigureAwait(false);
                    await CheckFenceAsync(connection, transaction, token, linked.Token).ConfigureAwait(false);

                    // A transaction past its limit is never committed, even if nobody took over yet: the limit is
                    // what keeps it shorter than the time a standby waits.
                    if (_time.GetElapsedTime(started) is var elapsed && elapsed >= timeout)
                    {
                        await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
                        throw new FencedWriteTimeoutException(timeout, null);
                    }

                    await transaction.CommitAsync(linked.Token).ConfigureAwait(false);
                    return result;
                }
            }
        }
        catch (OperationCanceledException ex) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new FencedWriteTimeoutException(timeout, ex);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.QueryCanceled or "25P03")
        {
            throw new FencedWriteTimeoutException(timeout, ex);
        }
    }

    private async Task CheckFenceAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, LeaseToken token, CancellationToken cancellationToken)
    {
        var check = CreateCommand(connection, transaction, _sql.FenceCheck);
        await using (check.ConfigureAwait(false))
        {
            AddToken(check.Parameters, token);
            if (await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                var current = await TryReadAsync(connection, transaction, token.LeaseName, cancellationToken).ConfigureAwait(false);
                await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
                throw new LeaseFencedException(token, current);
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// With notifications, waits on the store's LISTEN connection (opened on first use) for a release of
    /// <paramref name="leaseName"/>; without, or while that connection is down, simply waits for the timeout.
    /// </remarks>
    public async Task<bool> WaitForChangeAsync(string leaseName, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseName);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_listener is not null)
        {
            return await _listener.WaitAsync(leaseName, timeout, cancellationToken).ConfigureAwait(false);
        }

        if (timeout > TimeSpan.Zero)
        {
            await Task.Delay(timeout, _time, cancellationToken).ConfigureAwait(false);
        }

        return false;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_listener is not null)
        {
            await _listener.DisposeAsync().ConfigureAwait(false);
        }

        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<(bool Succeeded, LeaseRecord? Record)> QueryRecordAsync(string sql, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
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
                catch (PostgresException ex) when (IsMissingTable(ex))
                {
                    throw LeaseSchemaMissingException.ForTable(_sql.QualifiedTable, ProviderName, ex);
                }
            }
        }
    }

    /// <summary>Reads the row for the fencing exception; best effort, the refusal stands either way.</summary>
    private async Task<LeaseRecord?> TryReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string leaseName, CancellationToken cancellationToken)
    {
        try
        {
            var read = CreateCommand(connection, transaction, _sql.Read);
            await using (read.ConfigureAwait(false))
            {
                AddName(read.Parameters, leaseName);
                var (_, record) = await ReadRecordAsync(read, cancellationToken).ConfigureAwait(false);
                return record;
            }
        }
        catch (NpgsqlException)
        {
            return null;
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Statements come from PostgreSqlLeaseSql, built once from validated identifiers; every value is a parameter.")]
    private NpgsqlCommand CreateCommand(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.CommandTimeout = _commandTimeoutSeconds;
        return command;
    }

    /// <summary>Maps the first row of <c>succeeded, lease columns..., database now</c>.</summary>
    private static async Task<(bool Succeeded, LeaseRecord? Record)> ReadRecordAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return (false, null);
            }

            var holderId = reader.IsDBNull(2) ? null : reader.GetString(2);
            var holder = holderId is null
                ? null
                : new LeaseHolder(
                    holderId,
                    reader.IsDBNull(8) ? null : reader.GetString(8),
                    reader.IsDBNull(9) ? null : reader.GetInt32(9),
                    reader.IsDBNull(10) ? null : reader.GetString(10),
                    reader.IsDBNull(11) ? null : reader.GetString(11));
            var record = new LeaseRecord(
                reader.GetString(1),
                holder,
                reader.GetInt64(3),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                reader.GetFieldValue<DateTimeOffset>(7),
                reader.GetFieldValue<DateTimeOffset>(12),
                reader.GetInt64(4));
            return (reader.GetBoolean(0), record);
        }
    }

    /// <summary>The table (42P01) or its schema (3F000) does not exist.</summary>
    private static bool IsMissingTable(PostgresException exception) =>
        exception.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName;

    private void AddChannel(NpgsqlParameterCollection parameters)
    {
        if (_options.UseNotifications)
        {
            AddText(parameters, "channel", _channel);
        }
    }

    private static void AddToken(NpgsqlParameterCollection parameters, LeaseToken token)
    {
        AddName(parameters, token.LeaseName);
        AddText(parameters, "holder", token.HolderId);
        parameters.Add(new NpgsqlParameter("epoch", NpgsqlDbType.Bigint) { Value = token.Epoch });
    }

    private static void AddName(NpgsqlParameterCollection parameters, string leaseName) => AddText(parameters, "name", leaseName);

    private static void AddText(NpgsqlParameterCollection parameters, string name, string? value) =>
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Varchar) { Value = (object?)value ?? DBNull.Value });
}
