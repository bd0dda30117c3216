using Corda.HighAvailability.LeaseElection.Fencing;
using Corda.HighAvailability.LeaseElection.Storage;

namespace Corda.HighAvailability.Tests.Infrastructure;

/// <summary>
/// A lease "database" in memory whose clock is a (fake) time provider, with switches to make operations fail
/// or hang; the elector's logic is tested against it with FakeTimeProvider. Real databases are covered by the
/// integration tests.
/// </summary>
internal sealed class InMemoryLeaseStore(TimeProvider databaseClock) : ILeaseStore
{
    private readonly object _sync = new();
    private readonly Dictionary<string, Row> _rows = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string ProviderName => "memory";

    public Func<Exception?>? FailRenewals { get; set; }

    public bool HangRenewals { get; set; }

    public int RenewCalls { get; private set; }

    public int AcquireCalls { get; private set; }

    public Task EnsureSchemaAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public string GetSchemaScript() => string.Empty;

    public Task<LeaseRecord?> ReadAsync(string leaseName, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            return Task.FromResult(Snapshot(leaseName));
        }
    }

    public Task<LeaseAttemptResult> TryAcquireAsync(string leaseName, LeaseHolder holder, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            AcquireCalls++;
            var now = databaseClock.GetUtcNow();
            if (_rows.TryGetValue(leaseName, out var row) && row.HolderId is not null && row.ExpiresAt > now && row.HolderId != holder.Id)
            {
                return Task.FromResult(new LeaseAttemptResult(false, Snapshot(leaseName)));
            }

            var epoch = (row?.Epoch ?? 0) + 1;
            _rows[leaseName] = new Row(holder.Id, epoch, now, now + leaseDuration);
            Signal();
            return Task.FromResult(new LeaseAttemptResult(true, Snapshot(leaseName)));
        }
    }

    public async Task<LeaseAttemptResult> TryRenewAsync(LeaseToken token, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            RenewCalls++;
        }

        if (HangRenewals)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        if (FailRenewals?.Invoke() is { } failure)
        {
            throw failure;
        }

        lock (_sync)
        {
            var now = databaseClock.GetUtcNow();
            if (_rows.TryGetValue(token.LeaseName, out var row) && row.HolderId == token.HolderId && row.Epoch == token.Epoch && row.ExpiresAt > now)
            {
                _rows[token.LeaseName] = row with { RenewedAt = now, ExpiresAt = now + leaseDuration };
                return new LeaseAttemptResult(true, Snapshot(token.LeaseName));
            }

            return new LeaseAttemptResult(false, Snapshot(token.LeaseName));
        }
    }

    public Task<bool> ReleaseAsync(LeaseToken token, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            if (_rows.TryGetValue(token.LeaseName, out var row) && row.HolderId == token.HolderId && row.Epoch == token.Epoch)
            {
                _rows[token.LeaseName] = row with { HolderId = null, ExpiresAt = databaseClock.GetUtcNow() };
                Signal();
                return Task.FromResult(true);
            }

            return Task.FromResult(false);
        }
    }

    public Task<LeaseRecord?> ForceReleaseAsync(string leaseName, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            if (!_rows.TryGetValue(leaseName, out var row))
            {
                return Task.FromResult<LeaseRecord?>(null);
            }

            _rows[leaseName] = row with { HolderId = null, Epoch = row.Epoch + 1, ExpiresAt = databaseClock.GetUtcNow() };
            Signal();
            return Task.FromResult(Snapshot(leaseName));
        }
    }

    /// <summary>Simulates another host stealing the lease (e.g. after an operator's forced release).</summary>
    public void Steal(string leaseName, string holderId, TimeSpan leaseDuration)
    {
        lock (_sync)
        {
            var now = databaseClock.GetUtcNow();
            var epoch = _rows.TryGetValue(leaseName, out var row) ? row.Epoch + 1 : 1;
            _rows[leaseName] = new Row(holderId, epoch, now, now + leaseDuration);
            Signal();
        }
    }

    public Task<T> ExecuteFencedAsync<T>(LeaseToken token, Func<FencedTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Fenced writes need a real database; see the integration tests.");

    public async Task<bool> WaitForChangeAsync(string leaseName, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task changed;
        lock (_sync)
        {
            changed = _changed.Task;
        }

        var delay = Task.Delay(timeout, databaseClock, cancellationToken);
        var first = await Task.WhenAny(changed, delay);
        cancellationToken.ThrowIfCancellationRequested();
        return first == changed;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void Signal()
    {
        var previous = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }

    private LeaseRecord? Snapshot(string leaseName) =>
        _rows.TryGetValue(leaseName, out var row)
            ? new LeaseRecord(leaseName, row.HolderId is null ? null : new LeaseHolder(row.HolderId), row.Epoch, row.RenewedAt, row.RenewedAt, row.ExpiresAt, databaseClock.GetUtcNow())
            : null;

    private sealed record Row(string? HolderId, long Epoch, DateTimeOffset RenewedAt, DateTimeOffset ExpiresAt);
}
