namespace Corda.HighAvailability.Checkpoints;

/// <summary>
/// Verifies a node's checkpoint tables offline (the node must be down): streams every table in flow id order,
/// decodes every blob under the size limits and applies the cross-table rules. Registered by
/// <c>AddCheckpointVerification(...).UsePostgreSql(...)</c>.
/// </summary>
public interface ICheckpointVerifier
{
    /// <summary>
    /// Streams the findings as they are found (order is not guaranteed when blobs are decoded in parallel). Throws
    /// when the database cannot be read or holds no Corda checkpoint schema; a defective blob or row is a finding,
    /// never an exception.
    /// </summary>
    /// <param name="progress">Receives progress, from a background thread.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The findings.</returns>
    IAsyncEnumerable<Finding> VerifyAsync(IProgress<CheckpointVerificationProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Runs a whole verification and returns counts and the first findings.</summary>
    /// <param name="progress">Receives progress, from a background thread.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The report.</returns>
    Task<CheckpointVerificationReport> VerifyToReportAsync(IProgress<CheckpointVerificationProgress>? progress = null, CancellationToken cancellationToken = default);
}
