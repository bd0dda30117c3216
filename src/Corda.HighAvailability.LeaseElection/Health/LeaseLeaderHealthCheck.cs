using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.LeaseElection.Health;

/// <summary>
/// Healthy only on the host that holds the lease, so that a load balancer routes to the active node only.
/// Use it for readiness or routing, never for liveness: a standby is alive.
/// </summary>
public sealed class LeaseLeaderHealthCheck : IHealthCheck
{
    private readonly ILeaseElector _elector;

    /// <summary>Creates the check.</summary>
    /// <param name="elector">The elector of this host.</param>
    public LeaseLeaderHealthCheck(ILeaseElector elector)
    {
        ArgumentNullException.ThrowIfNull(elector);
        _elector = elector;
    }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var observed = _elector.ObservedLease;
        var data = new Dictionary<string, object>
        {
            ["identity"] = _elector.Identity,
            ["isLeader"] = _elector.IsLeader,
        };
        if (observed is not null)
        {
            data["leaseName"] = observed.LeaseName;
            data["epoch"] = observed.Epoch;
            data["holder"] = observed.Holder?.Id ?? string.Empty;
        }

        if (_elector.CurrentLease is { } lease)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"Active: holds lease '{lease.LeaseName}' at epoch {lease.Epoch}.", data));
        }

        var description = observed?.Holder is { } holder
            ? $"Standby: lease '{observed.LeaseName}' is held by '{holder.Id}' at epoch {observed.Epoch}."
            : "Standby: this host does not hold the lease.";
        return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, description, data: data));
    }
}
