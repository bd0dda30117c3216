using Corda.HighAvailability.LeaseElection.Fencing;
using Corda.HighAvailability.LeaseElection.Sql;
using Corda.HighAvailability.LeaseElection.Storage;
using Microsoft.Data.Sqlite;

namespace Corda.HighAvailability.LeaseElection.Sqlite;

/// <summary>
/// Lease store on a SQLite file: for one host with several candidate processes (the <c>corda-ha drill</c>),
/// development and tests. Each operation is one statement batch in an IMMEDIATE transaction, so it takes the
/// write lock first and races between processes serialise. Standbys detect commits of other processes through
/// <c>PRAGMA data_version</c>, so a release is noticed within <see cref="SqliteLeaseStoreOptions.ChangePollInterval"/>.
/// </summary>
public sealed partial class SqliteLeaseStore : ISqlLeaseStore
{
    private readonly string _connectionString;
    private readonly SqliteLeaseStoreOptions _options;
    private readonly SqliteLeaseSql _sql;
    private readonly TimeProvider _time;
    private readonly int _commandTimeoutSeconds;

    private readonly SqliteChangeDetector _changes;

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
        _changes = new SqliteChangeDetector(OpenAsync, _time, options.ChangePollInterval);
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
        await _changes.PrimeAsync(cancellationToken).ConfigureAwait(false);
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
        await _changes.PrimeAsync(cancellationToken).ConfigureAwait(false);
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
    /// <remarks>Returns at once when another connection committed since this store's previous read, acquire or wait.</remarks>
    public Task<bool> WaitForChangeAsync(string leaseName, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseName);
        return _changes.WaitAsync(timeout, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _changes.DisposeAsync();

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
                if (reader.FieldCount < SqlLeaseRow.FieldCount)
                {
                    continue;
                }

                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return (0, null);
                }

                var (succeeded, record) = SqlLeaseRow.Read(reader, static (r, i) => DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(i)));
                return (succeeded ? 1 : 0, record);
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
}
