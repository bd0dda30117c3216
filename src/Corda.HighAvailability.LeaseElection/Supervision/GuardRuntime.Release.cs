using Corda.HighAvailability.LeaseElection.Storage;

namespace Corda.HighAvailability.LeaseElection.Supervision;

// The lease release after the supervisor's death: the store opened ahead of time, and the release itself.
internal sealed partial class GuardRuntime
{
    /// <summary>
    /// Opens the store for a later release now, and reads the lease once: the release after the supervisor's death
    /// then costs one statement, not a driver's first connection (the standby is waiting).
    /// </summary>
    private void WarmUpRelease()
    {
        if (_config.Release is not { } release || _storeFactory is null)
        {
            return;
        }

        try
        {
            var store = _storeFactory(new NodeGuardRelease { Provider = release.Provider, ConnectionString = release.ConnectionString, TableName = release.TableName });
            _releaseStore = store;
            _ = Task.Run(async () =>
            {
                try
                {
                    await store.ReadAsync(release.LeaseName, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    Diagnose($"the lease store could not be read ({ex.GetType().Name}); a release after the supervisor's death may fail.");
                }
            });
        }
        catch (Exception ex)
        {
            Diagnose($"the lease store could not be opened ({ex.GetType().Name}); no release after the supervisor's death.");
        }
    }

    private void ReleaseAfterOrphaned()
    {
        if (_config.Release is not { } release || _releaseStore is not { } store)
        {
            return;
        }

        try
        {
            var token = new LeaseToken(release.LeaseName, release.HolderId, release.Epoch);
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                var released = store.ReleaseAsync(token, timeout.Token).GetAwaiter().GetResult();
                Log(released ? "released" : "release-refused", 0, PosixProcess.NowNs());
            }
            finally
            {
                store.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        catch (Exception ex)
        {
            // Never with the connection string: only the exception's type and message.
            Diagnose($"the lease could not be released ({ex.GetType().Name}); a standby takes over when it lapses.");
        }
    }
}
