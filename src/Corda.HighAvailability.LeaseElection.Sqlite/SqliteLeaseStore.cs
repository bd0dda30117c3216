using Corda.HighAvailability.LeaseElection.Fencing;
using Corda.HighAvailability.LeaseElection.Storage;
using Microsoft.Data.Sqlite;

namespace Corda.HighAvailability.LeaseElection.Sqlite;

/// <summary>
/// Lease store on a SQLite file: for one host with several candidate processes (the <c>corda-ha drill</c>),
/// development and tests. Each operation is one statement batch in an IMMEDIATE transaction, so it takes the
/// write lock first and races between processes serialise. Standbys detect commits of other processes through
/// <c>PRAGMA data_version</c>, so a release is noticed within <see cref="SqliteLeaseStoreOptions.ChangePollInterval"/>.
/// </summary>
public sealed class SqliteLeaseStore : ILeaseStore
{
    private readonly string _connectionString;
    private readonly SqliteLeaseStoreOptions _options;
    private readonly SqliteLeaseSql _sql;
    private readonly TimeProvider _time;
    private readonly int _commandTimeoutSeconds;

    // PRAGMA data_version is comparable only on one connection, so change detection keeps its own connection and
    // the last value it saw: a commit between a failed acquire and the next wait is then noticed, not slept through.
    private readonly SemaphoreSlim _changeGate = new(1, 1);
    private SqliteConnection? _changeConnection;
    private SqliteCommand? _dataVersion;
    private long? _lastDataVersion;

    /// <summary>Creates the store.</summary>
    /// <param name="options">Connection string, table name and timings; validated here.</param>
    /// <param name="timeProvider">Time provider for waits; default <see cref="TimeProvider.System"/>.</param>
    public SqliteLeaseStore(SqliteLeaseStoreOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = SqliteLeaseStoreOptionsValidator.Check(options);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _connectionString = new SqliteConnectionStringBuilder(options.ConnectionString) { Pooling = true }.ToString();
        _sql = new SqliteLeaseSql(options.TableName);
        _time = timeProvider ?? TimeProvider.System;
        _commandTimeoutSeconds = (int)Math.Ceiling(options.CommandTimeout.TotalSeconds);
    }

    /// <inheritdoc />
    public string ProviderName => "sqlite";

    /// <inheritdoc />
    public string GetSchemaScript() => "PRAGMA journal_mode = WAL;\n" + _sql.Schema;

    /// <inheritdoc />
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // WAL lets standbys read while the leader writes; the setting is stored in the file.
            await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, null, _sql.Schema, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<LeaseRecord?> ReadAsync(string leaseName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseName);

        // A candidate that reads waits for a change next: take the baseline before the read, so that a commit
        // landing between this read and that wait is noticed, not slept through.
        await PrimeChangeDetectionAsync(cancellationToken).ConfigureAwait(false);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = CreateCommand(connection, null, _sql.Read);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("$name", leaseName);
                var (_, record) = await ReadRecordAsync(command, cancellationToken).ConfigureAwait(false);
                return record;
            }
        }
    }

    /// <inheritdoc />
    public async Task<LeaseAttemptResult> TryAcquireAsync(string leaseName, LeaseHolder holder, TimeSpan leaseDuration, long? expectedRevision, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseName);
        ArgumentNullException.ThrowIfNull(holder);

        // A candidate that loses waits for a change next: take the baseline before the attempt.
        await PrimeChangeDetectionAsync(cancellationToken).ConfigureAwait(false);
        return await ChangeAsync(_sql.Acquire, cancellationToken, parameters =>
        {
            parameters.AddWithValue("$name", leaseName);
            parameters.AddWithValue("$holder", holder.Id);
            parameters.AddWithValue("$duration_ms", ToMilliseconds(leaseDuration));
            parameters.AddWithValue("$machine", (object?)holder.Machine ?? DBNull.Value);
            parameters.AddWithValue("$pid", (object?)holder.ProcessId ?? DBNull.Value);
            parameters.AddWithValue("$version", (object?)holder.Version ?? DBNull.Value);
            parameters.AddWithValue("$instance", (object?)holder.InstanceId ?? DBNull.Value);
            parameters.AddWithValue("$expected", (object?)expectedRevision ?? DBNull.Value);
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<LeaseAttemptResult> TryRenewAsync(LeaseToken token, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return ChangeAsync(_sql.Renew, cancellationToken, parameters =>
        {
            AddToken(parameters, token);
            parameters.AddWithValue("$duration_ms", ToMilliseconds(leaseDuration));
        });
    }

    /// <inheritdoc />
    public async Task<bool> ReleaseAsync(LeaseToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = connection.BeginTransaction(deferred: false);
            await using (transaction.ConfigureAwait(false))
            {
                var command = CreateCommand(connection, transaction, _sql.Release);
                await using (command.ConfigureAwait(false))
                {
                    AddToken(command.Parameters, token);
                    var changed = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return changed == 1;
                }
            }
        }
    }

    /// <inheritdoc />
    public async Task<LeaseRecord?> ForceReleaseAsync(string leaseName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseName);
        var result = await ChangeAsync(_sql.ForceRelease, cancellationToken, parameters => parameters.AddWithValue("$name", leaseName)).ConfigureAwait(false);
        return result.Record;
    }

    /// <inheritdoc />
    /// <remarks>
    /// An IMMEDIATE transaction takes the write lock first, so no takeover can commit between the check and our
    /// commit. SQLite has no server to end a stalled transaction: a process stopped while it holds the lock blocks
    /// every other writer for the length of the pause. What this store guarantees is that such a transaction is
    /// never committed once it is older than <paramref name="timeout"/>: the age is checked just before COMMIT.
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
            var connection = await OpenAsync(linked.Token).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = connection.BeginTransaction(deferred: false);
                await using (transaction.ConfigureAwait(false))
                {
                    await CheckFenceAsync(connection, transaction, token, linked.Token).ConfigureAwait(false);
                    var result = await work(new FencedTransaction(connection, transaction, token), linked.Token).ConfigureAwait(false);
                    if (_time.GetElapsedTime(started) >= timeout)
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
    }

    private async Task CheckFenceAsync(SqliteConnection connection, SqliteTransaction transaction, LeaseToken token, CancellationToken cancellationToken)
    {
        var check = CreateCommand(connection, transaction, _sql.FenceCheck);
        await using (check.ConfigureAwait(false))
        {
            AddToken(check.Parameters, token);
            var current = Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            if (current == 1)
            {
                return;
            }

            var read = CreateCommand(connection, transaction, _sql.Read);
            await using (read.ConfigureAwait(false))
            {
                read.Parameters.AddWithValue("$name", token.LeaseName);
                var (_, record) = await ReadRecordAsync(read, cancellationToken).ConfigureAwait(false);
                await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
                throw new LeaseFencedException(token, record);
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>Returns at once when another connection committed since the previous wait (or acquire attempt) of this store.</remarks>
    public async Task<bool> WaitForChangeAsync(string leaseName, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseName);
        var start = _time.GetTimestamp();
        await _changeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var baseline = _lastDataVersion ?? await ReadDataVersionAsync(cancellationToken).ConfigureAwait(false);
            while (true)
            {
                var version = await ReadDataVersionAsync(cancellationToken).ConfigureAwait(false);
                if (version != baseline)
                {
                    return true;
                }

                var remaining = timeout - _time.GetElapsedTime(start);
                if (remaining <= TimeSpan.Zero)
                {
                    return false;
                }

                await Task.Delay(remaining < _options.ChangePollInterval ? remaining : _options.ChangePollInterval, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _changeGate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _changeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_dataVersion is not null)
            {
                await _dataVersion.DisposeAsync().ConfigureAwait(false);
            }

            if (_changeConnection is not null)
            {
                await _changeConnection.DisposeAsync().ConfigureAwait(false);
            }

            _dataVersion = null;
            _changeConnection = null;
        }
        finally
        {
            _changeGate.Release();
        }
    }

    private async Task PrimeChangeDetectionAsync(CancellationToken cancellationToken)
    {
        await _changeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ReadDataVersionAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _changeGate.Release();
        }
    }

    /// <summary>Reads <c>PRAGMA data_version</c> on the change connection and remembers it; call under the gate.</summary>
    private async Task<long> ReadDataVersionAsync(CancellationToken cancellationToken)
    {
        if (_dataVersion is null)
        {
            _changeConnection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            _dataVersion = CreateCommand(_changeConnection, null, "PRAGMA data_version;");
        }

        try
        {
            var version = Convert.ToInt64(await _dataVersion.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            _lastDataVersion = version;
            return version;
        }
        catch
        {
            // A broken connection is replaced on the next call.
            await _dataVersion.DisposeAsync().ConfigureAwait(false);
            await _changeConnection!.DisposeAsync().ConfigureAwait(false);
            _dataVersion = null;
            _changeConnection = null;
            throw;
        }
    }

    private async Task<LeaseAttemptResult> ChangeAsync(string sql, CancellationToken cancellationToken, Action<SqliteParameterCollection> bind)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = connection.BeginTransaction(deferred: false);
            await using (transaction.ConfigureAwait(false))
            {
                var command = CreateCommand(connection, transaction, sql);
                await using (command.ConfigureAwait(false))
                {
                    bind(command.Parameters);
                    var (changed, record) = await ReadRecordAsync(command, cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return new LeaseAttemptResult(changed == 1 && record is not null, record);
                }
            }
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString) { DefaultTimeout = _commandTimeoutSeconds };
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

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Statements come from SqliteLeaseSql, built once from a validated identifier; every value is a parameter.")]
    private SqliteCommand CreateCommand(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.CommandTimeout = _commandTimeoutSeconds;
        return command;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Statements come from SqliteLeaseSql, built once from a validated identifier; every value is a parameter.")]
    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = sql;
            command.Transaction = transaction;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads the result set of <c>SELECT changes(), columns..., now</c>, skipping the write's empty result.</summary>
    private async Task<(long Changed, LeaseRecord? Record)> ReadRecordAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        SqliteDataReader reader;
        try
        {
            reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 1 && ex.Message.Contains("no such table", StringComparison.Ordinal))
        {
            throw LeaseSchemaMissingException.ForTable(_options.TableName, ProviderName, ex);
        }

        await using (reader.ConfigureAwait(false))
        {
            do
            {
                if (reader.FieldCount < 13)
                {
                    continue;
                }

                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return (0, null);
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
                    reader.IsDBNull(5) ? null : FromMilliseconds(reader.GetInt64(5)),
                    reader.IsDBNull(6) ? null : FromMilliseconds(reader.GetInt64(6)),
                    FromMilliseconds(reader.GetInt64(7)),
                    FromMilliseconds(reader.GetInt64(12)),
                    reader.GetInt64(4));
                return (reader.GetInt64(0), record);
            }
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));

            return (0, null);
        }
    }

    private static void AddToken(SqliteParameterCollection parameters, LeaseToken token)
    {
        parameters.AddWithValue("$name", token.LeaseName);
        parameters.AddWithValue("$holder", token.HolderId);
        parameters.AddWithValue("$epoch", token.Epoch);
    }

    private static long ToMilliseconds(TimeSpan value) => (long)Math.Ceiling(value.TotalMilliseconds);

    private static DateTimeOffset FromMilliseconds(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);
}
