using Corda.HighAvailability.LeaseElection.Storage;

namespace Corda.HighAvailability.Tests.Infrastructure;

/// <summary>
/// A lease store in memory that implements only the core <see cref="ILeaseStore"/> (no schema, no fenced writes):
/// it proves that the elector needs nothing SQL. Its clock is a (fake) time provider, with switches to make
/// operations fail or hang; the elector's logic is tested against it with FakeTimeProvider. Real databases are
/// covered by the integration tests.
/// </summary>
internal sealed class InMemoryLeaseStore(TimeProvider databaseClock) : ILeaseStore
{
    private readonly object _sync = new();
    private readonly Dictionary<string, Row> _rows = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string ProviderName => "memory";

    public Func<Exception?>? FailRenewals { get; set; }

    public bool HangRenewals { get; set; }

    /// <summary>How long each renewal waits (on the fake clock, ignoring cancellation) before it applies: a lock wait.</summary>
    public TimeSpan RenewLatency { get; set; }

    public int RenewCalls { get; private set; }

    public int AcquireCalls { get; private set; }

    public int ReadCalls { get; private set; }

    /// <summary>How long each acquire takes (on the fake clock) before it applies: a slow connect or lock wait.</summary>
    public TimeSpan AcquireLatency { get; set; }

    public Task<LeaseRecord?> ReadAsync(string leaseName, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            ReadCalls++;
            return Task.FromResult(Snapshot(leaseName));
        }
    }

    public async Task<LeaseAttemptResult> TryAcquireAsync(string leaseName, LeaseHolder holder, TimeSpan leaseDuration, long? expectedRevision, CancellationToken cancellationToken)
    {
        if (AcquireLatency > TimeSpan.Zero)
        {
            await Task.Delay(AcquireLatency, databaseClock, cancellationToken);
        }

        lock (_sync)
        {
            AcquireCalls++;
            var now = databaseClock.GetUtcNow();
            _rows.TryGetValue(leaseName, out var row);
            if (row is not null && row.HolderId is not null && row.Revision != expectedRevision)
            {
                return new LeaseAttemptResult(false, Snapshot(leaseName));
            }

            _rows[leaseName] = new Row(holder.Id, (row?.Epoch ?? 0) + 1, (row?.Revision ?? 0) + 1, now, now + leaseDuration, holder.InstanceId);
            Signal();
            return new LeaseAttemptResult(true, Snapshot(leaseName));
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

        if (RenewLatency > TimeSpan.Zero)
        {
            // A database does not undo an UPDATE because the client stopped waiting for it.
            await Task.Delay(RenewLatency, databaseClock, CancellationToken.None);
        }

        if (FailRenewals?.Invoke() is { } failure)
        {
            throw failure;
        }

        lock (_sync)
        {
            var now = databaseClock.GetUtcNow();
            if (_rows.TryGetValue(token.LeaseName, out var row) && row.HolderId == token.HolderId && row.Epoch == token.Epoch)
            {
                _rows[token.LeaseName] = row with { Revision = row.Revision + 1, RenewedAt = now, ExpiresAt = now + leaseDuration };
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
                _rows[token.LeaseName] = row with { HolderId = null, Revision = row.Revision + 1, ExpiresAt = databaseClock.GetUtcNow() };
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

            _rows[leaseName] = row with { HolderId = null, Epoch = row.Epoch + 1, Revision = row.Revision + 1, ExpiresAt = databaseClock.GetUtcNow() };
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
            _rows.TryGetValue(leaseName, out var row);
            _rows[leaseName] = new Row(holderId, (row?.Epoch ?? 0) + 1, (row?.Revision ?? 0) + 1, now, now + leaseDuration, "thief");
            Signal();
        }
    }

    /// <summary>Simulates another live process renewing a grant (for duplicate-identity detection).</summary>
    public void RenewAsOther(string leaseName)
    {
        lock (_sync)
        {
            var row = _rows[leaseName];
            _rows[leaseName] = row with { Revision = row.Revision + 1, RenewedAt = databaseClock.GetUtcNow() };
        }
    }

    /// <summary>Simulates a grant written by another process (machine, pid and instance of its own).</summary>
    public void GrantToOther(string leaseName, string holderId, string instanceId, TimeSpan leaseDuration)
    {
        lock (_sync)
        {
            var now = databaseClock.GetUtcNow();
            _rows.TryGetValue(leaseName, out var row);
            _rows[leaseName] = new Row(holderId, (row?.Epoch ?? 0) + 1, (row?.Revision ?? 0) + 1, now, now + leaseDuration, instanceId);
            Signal();
        }
    }

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
            ? new LeaseRecord(leaseName, row.HolderId is null ? null : new LeaseHolder(row.HolderId, "other-machine", 7, null, row.InstanceId), row.Epoch, row.RenewedAt, row.RenewedAt, row.ExpiresAt, databaseClock.GetUtcNow(), row.Revision)
            : null;

    private sealed record Row(string? HolderId, long Epoch, long Revision, DateTimeOffset RenewedAt, DateTimeOffset ExpiresAt, string? InstanceId);
}
