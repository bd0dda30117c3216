namespace Corda.HighAvailability.LeaseElection.CordaMutualExclusion;

/// <summary>
/// Reads, without ever writing, the single row of Corda Enterprise's own mutual-exclusion table
/// (<c>node_mutual_exclusion</c>), so that this library's lease can be compared with Corda's guard.
/// </summary>
public interface ICordaMutualExclusionReader
{
    /// <summary>
    /// Reads Corda's mutual-exclusion row and the database's clock in one query.
    /// </summary>
    /// <param name="waitInterval">
    /// Corda's <c>waitInterval</c>: the row looks live while the database's clock is at most this long after the
    /// row's timestamp. Must be positive.
    /// </param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The row, or <see langword="null"/> when the table or the row does not exist.</returns>
    Task<CordaMutualExclusionRow?> ReadAsync(TimeSpan waitInterval, CancellationToken cancellationToken = default);
}
