using Npgsql;

namespace Corda.HighAvailability.LeaseElection.PostgreSql;

/// <summary>
/// One dedicated LISTEN connection per store, shared by every waiter. A single background task waits on the
/// connection and wakes the waiters of the lease named in each notification's payload. When the connection fails
/// it reconnects with backoff; meanwhile waits simply run to their timeout (the elector then re-reads the row),
/// and after a reconnect every waiter is woken because notifications may have been missed.
/// </summary>
internal sealed class PostgreSqlChangeListener : IAsyncDisposable
{
    /// <summary>How long the connection may stay silent before a probe checks that it is still alive.</summary>
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan InitialBackoff = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan MaximumBackoff = TimeSpan.FromSeconds(5);

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _listenSql;
    private readonly TimeProvider _time;
    private readonly int _commandTimeoutSeconds;
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _sync = new();
    private readonly Dictionary<string, List<TaskCompletionSource<bool>>> _waiters = new(StringComparer.Ordinal);

    // Changes announced while nobody waited (e.g. a release between a failed acquire and the next wait): the next
    // wait for that lease returns at once instead of sleeping until an expiry that no longer holds.
    private readonly HashSet<string> _unconsumed = new(StringComparer.Ordinal);
    private bool _missedWhileDisconnected;
    private TaskCompletionSource _listening = NewSignal();
    private Task? _loop;
    private bool _disposed;

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "The channel is a validated identifier from the options.")]
    public PostgreSqlChangeListener(string connectionString, string channel, TimeProvider time, int commandTimeoutSeconds)
    {
        // Its own unpooled source: the connection lives as long as the store, and LISTEN state must never be
        // handed to a pooled command.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        _dataSource = NpgsqlDataSource.Create(builder);
        _listenSql = "LISTEN " + channel;
        _time = time;
        _commandTimeoutSeconds = commandTimeoutSeconds;
    }

    /// <summary>Completes once LISTEN is in effect (again after a reconnect); for tests and diagnostics.</summary>
    public Task Listening
    {
        get
        {
            lock (_sync)
            {
                return _listening.Task;
            }
        }
    }

    /// <summary>Starts listening (idempotent), so that changes are recorded before the first wait.</summary>
    public void Start()
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _loop ??= Task.Run(() => RunAsync(_stopping.Token));
        }
    }

    /// <summary>Waits for a notification naming <paramref name="leaseName"/>; starts the connection on first use.</summary>
    public async Task<bool> WaitAsync(string leaseName, TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _loop ??= Task.Run(() => RunAsync(_stopping.Token));
            if (_unconsumed.Remove(leaseName) | _missedWhileDisconnected)
            {
                _missedWhileDisconnected = false;
                return true;
            }

            if (!_waiters.TryGetValue(leaseName, out var list))
            {
                list = [];
                _waiters[leaseName] = list;
            }

            list.Add(waiter);
        }

        try
        {
            return timeout > TimeSpan.Zero && await waiter.Task.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            lock (_sync)
            {
                if (_waiters.TryGetValue(leaseName, out var list) && list.Remove(waiter) && list.Count == 0)
                {
                    _waiters.Remove(leaseName);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task? loop;
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            loop = _loop;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            try
            {
                await loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        }

        WakeAll(false);
        _stopping.Dispose();
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var backoff = InitialBackoff;
        var everConnected = false;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var connection = await _dataSource.OpenConnectionAsync(stopping).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    connection.Notification += OnNotification;
                    await ExecuteAsync(connection, _listenSql, stopping).ConfigureAwait(false);
                    if (everConnected)
                    {
                        // Releases announced while we were disconnected were lost: let every waiter re-read.
                        WakeAll(true);
                    }

                    everConnected = true;
                    backoff = InitialBackoff;
                    MarkListening();
                    while (true)
                    {
                        if (!await connection.WaitAsync(ProbeInterval, stopping).ConfigureAwait(false))
                        {
                            // A silent connection may be a dead one (a partition never closes the socket).
                            await ExecuteAsync(connection, "SELECT 1", stopping).ConfigureAwait(false);
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                // Connection lost or refused; retried below. Waits run to their timeout meanwhile.
                MarkNotListening();
            }

            try
            {
                await Task.Delay(backoff, _time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = backoff * 2 < MaximumBackoff ? backoff * 2 : MaximumBackoff;
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Only LISTEN on a validated identifier and a constant probe.")]
    private async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = sql;
            command.CommandTimeout = _commandTimeoutSeconds;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        List<TaskCompletionSource<bool>>? woken;
        lock (_sync)
        {
            if (!_waiters.Remove(e.Payload, out woken))
            {
                _unconsumed.Add(e.Payload);
                return;
            }
        }

        foreach (var waiter in woken)
        {
            waiter.TrySetResult(true);
        }
    }

    private void WakeAll(bool changed)
    {
        List<TaskCompletionSource<bool>> woken;
        lock (_sync)
        {
            woken = _waiters.Values.SelectMany(list => list).ToList();
            _waiters.Clear();
            _missedWhileDisconnected |= changed && woken.Count == 0;
        }

        foreach (var waiter in woken)
        {
            waiter.TrySetResult(changed);
        }
    }

    private void MarkListening()
    {
        lock (_sync)
        {
            _listening.TrySetResult();
        }
    }

    private void MarkNotListening()
    {
        lock (_sync)
        {
            if (_listening.Task.IsCompleted)
            {
                _listening = NewSignal();
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
