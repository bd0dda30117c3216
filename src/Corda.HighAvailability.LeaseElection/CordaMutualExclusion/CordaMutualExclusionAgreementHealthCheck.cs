using Corda.HighAvailability.LeaseElection.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.LeaseElection.CordaMutualExclusion;

/// <summary>
/// Reads this library's lease and Corda Enterprise's mutual-exclusion row and reports whether the two guards
/// agree. Healthy when they agree or Corda's guard is inactive; the registration's failure status when they name
/// different machines; Degraded when Corda's row is live but the lease is vacant or names no machine. The data
/// names both holders.
/// </summary>
public sealed class CordaMutualExclusionAgreementHealthCheck : IHealthCheck
{
    private readonly ILeaseStore _leaseStore;
    private readonly ICordaMutualExclusionReader _reader;
    private readonly string _leaseName;
    private readonly TimeSpan _waitInterval;

    /// <summary>Creates the check.</summary>
    /// <param name="leaseStore">The lease store.</param>
    /// <param name="reader">The reader of Corda's row.</param>
    /// <param name="leaseName">The lease to compare.</param>
    /// <param name="waitInterval">Corda's configured <c>waitInterval</c>.</param>
    public CordaMutualExclusionAgreementHealthCheck(ILeaseStore leaseStore, ICordaMutualExclusionReader reader, string leaseName, TimeSpan waitInterval)
    {
        ArgumentNullException.ThrowIfNull(leaseStore);
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentException.ThrowIfNullOrEmpty(leaseName);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(waitInterval, TimeSpan.Zero);
        _leaseStore = leaseStore;
        _reader = reader;
        _leaseName = leaseName;
        _waitInterval = waitInterval;
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var lease = await _leaseStore.ReadAsync(_leaseName, cancellationToken).ConfigureAwait(false);
        var row = await _reader.ReadAsync(_waitInterval, cancellationToken).ConfigureAwait(false);
        var comparison = CordaMutualExclusionComparison.Compare(lease, row);

        var data = new Dictionary<string, object>
        {
            ["verdict"] = comparison.Verdict.ToString(),
            ["leaseName"] = _leaseName,
            ["leaseHeld"] = lease?.IsHeld ?? false,
            ["leaseHolder"] = lease is { IsHeld: true } ? lease.Holder!.Id : string.Empty,
            ["leaseHolderMachine"] = comparison.LeaseHolderMachine ?? string.Empty,
            ["leaseHolderPid"] = lease is { IsHeld: true, Holder.ProcessId: { } pid } ? pid : string.Empty,
            ["cordaRowPresent"] = row is not null,
        };
        if (row is not null)
        {
            data["cordaMachineName"] = row.MachineName;
            data["cordaPid"] = row.Pid;
            data["cordaTimestamp"] = row.Timestamp;
            data["cordaVersion"] = row.Version;
            data["cordaLive"] = row.IsLive;
            data["cordaAgeSeconds"] = row.Age.TotalSeconds;
        }

        var status = comparison.Verdict switch
        {
            CordaMutualExclusionVerdict.Agree or CordaMutualExclusionVerdict.CordaGuardInactive => HealthStatus.Healthy,
            CordaMutualExclusionVerdict.Disagree => context.Registration.FailureStatus,
            _ => HealthStatus.Degraded,
        };
        return new HealthCheckResult(status, comparison.Description, data: data);
    }
}
