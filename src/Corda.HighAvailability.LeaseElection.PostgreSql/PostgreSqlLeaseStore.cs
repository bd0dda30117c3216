using System.Data.Common;
using System.Data;
using Corda.HighAvailability.LeaseElection.Fencing;
using Corda.HighAvailability.LeaseElection.Sql;
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
public sealed partial class PostgreSqlLeaseStore : ISqlLeaseStore
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
    private static Task<(bool Succeeded, LeaseRecord? Record)> ReadRecordAsync(DbCommand command, CancellationToken cancellationToken) =>
        SqlLeaseRow.ReadFirstAsync(command, ReadTime, cancellationToken);

    /// <summary>Times are stored as timestamptz / datetimeoffset.</summary>
    private static DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

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
