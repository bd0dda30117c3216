using Microsoft.Data.Sqlite;

namespace Corda.HighAvailability.LeaseElection.Sqlite;

/// <summary>
/// Notices commits of other connections to the lease database through <c>PRAGMA data_version</c>, SQLite's
/// counterpart of PostgreSQL's LISTEN/NOTIFY. The value is comparable only on one connection, so the detector keeps
/// its own connection and the last value it saw: a commit between a read (the baseline) and the next wait is then
/// noticed, not slept through.
/// </summary>
internal sealed class SqliteChangeDetector(Func<CancellationToken, Task<SqliteConnection>> open, TimeProvider time, TimeSpan pollInterval) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SqliteConnection? _connection;
    private SqliteCommand? _dataVersion;
    private long? _baseline;

    /// <summary>Takes the baseline now: a commit after this moment makes the next <see cref="WaitAsync"/> return at once.</summary>
    public async Task PrimeAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _baseline = await ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Waits until another connection committed since the baseline, or <paramref name="timeout"/> passes.</summary>
    /// <returns><see langword="true"/> on a commit, <see langword="false"/> on timeout.</returns>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = time.GetTimestamp();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var baseline = _baseline ?? await ReadAsync(cancellationToken).ConfigureAwait(false);
            while (true)
            {
                var version = await ReadAsync(cancellationToken).ConfigureAwait(false);
                _baseline = version;
                if (version != baseline)
                {
                    return true;
                }

                var remaining = timeout - time.GetElapsedTime(start);
                if (remaining <= TimeSpan.Zero)
                {
                    return false;
                }

                await Task.Delay(remaining < pollInterval ? remaining : pollInterval, time, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await CloseAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reads <c>PRAGMA data_version</c> on the detector's connection; call under the gate.</summary>
    private async Task<long> ReadAsync(CancellationToken cancellationToken)
    {
        if (_dataVersion is null)
        {
            _connection = await open(cancellationToken).ConfigureAwait(false);
            _dataVersion = _connection.CreateCommand();
            _dataVersion.CommandText = "PRAGMA data_version;";
        }

        try
        {
            return Convert.ToInt64(await _dataVersion.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch
        {
            // A broken connection is replaced on the next call.
            await CloseAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task CloseAsync()
    {
        if (_dataVersion is not null)
        {
            await _dataVersion.DisposeAsync().ConfigureAwait(false);
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        _dataVersion = null;
        _connection = null;
    }
}
