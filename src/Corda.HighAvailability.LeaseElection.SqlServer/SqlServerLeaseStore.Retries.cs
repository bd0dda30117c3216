using Corda.HighAvailability.LeaseElection.Storage;
using Microsoft.Data.SqlClient;

namespace Corda.HighAvailability.LeaseElection.SqlServer;

/// <summary>Retries of transient Azure SQL errors, and how a retry recognises what its earlier attempt did.</summary>
public sealed partial class SqlServerLeaseStore
{
    /// <summary>
    /// Whether <paramref name="row"/>, returned by a retried acquire that did not apply, is the grant an earlier
    /// attempt of the same call wrote. All of these must hold:
    /// <list type="bullet">
    /// <item>It carries this holder's id and this elector's random instance id (without an instance id the grant
    /// cannot be told from a twin's, so the answer stays "not acquired").</item>
    /// <item>It is a fresh grant, never renewed: <c>acquired_at = renewed_at</c>, which only an acquire writes. A
    /// renewed row (an older grant of this elector, still in the table) does not count: its revision was written
    /// before this call started, and leading under it would count the renew deadline from too late a moment.</item>
    /// <item>With an expected revision, the row's revision is exactly one more: the acquire moved it from the
    /// revision it expected, and nothing wrote it since. A free lease (no expected revision) has no such number;
    /// a fresh grant with this elector's instance id written after it saw the lease free can only be its own.</item>
    /// </list>
    /// The epoch the row carries is then the one the database gave this call, newer than any before it. When in
    /// doubt the answer is "not acquired", which is always safe: the elector watches the row and takes it over
    /// through the ordinary compare-and-set a lease duration later.
    /// </summary>
    internal static bool IsGrantOfEarlierAttempt(LeaseRecord? row, LeaseHolder holder, long? expectedRevision) =>
        row?.Holder is { } current
        && holder.InstanceId is { Length: > 0 } instance
        && string.Equals(current.Id, holder.Id, StringComparison.Ordinal)
        && string.Equals(current.InstanceId, instance, StringComparison.Ordinal)
        && row.AcquiredAt is { } acquired
        && row.RenewedAt == acquired
        && (expectedRevision is not { } expected || row.Revision == expected + 1);

    /// <summary>Whether a retried release that did not apply finds the grant released under its own epoch.</summary>
    internal static bool IsReleaseOfEarlierAttempt(LeaseRecord? row, LeaseToken token) =>
        row is { Holder: null } && row.Epoch == token.Epoch;

    private async Task<T> WithRetriesAsync<T>(SqlServerLeaseOperation operation, Func<int, CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await action(attempt, cancellationToken).ConfigureAwait(false);
            }
            catch (SqlException ex) when (!cancellationToken.IsCancellationRequested && SqlServerTransientErrors.ShouldRetry(operation, ex, attempt, _options.TransientRetryCount))
            {
                // Sent again below; see SqlServerTransientErrors.IsRetriable for why this operation may be.
            }

            await Task.Delay(SqlServerTransientErrors.Backoff(attempt), _time, cancellationToken).ConfigureAwait(false);
        }
    }
}
