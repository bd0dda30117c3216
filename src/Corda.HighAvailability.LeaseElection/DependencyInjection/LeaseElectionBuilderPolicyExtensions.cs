using Corda.HighAvailability.LeaseElection.Policies;

namespace Corda.HighAvailability.LeaseElection;

/// <summary>Adds the built-in failover policies to lease election.</summary>
public static class LeaseElectionBuilderPolicyExtensions
{
    /// <summary>Makes this host a preferred (priority 0) or fallback (priority &gt; 0) candidate.</summary>
    /// <param name="builder">The lease election builder.</param>
    /// <param name="priority">0 for the preferred host.</param>
    /// <param name="delayPerPriority">Extra wait per priority step after the lease is free; default 2 s.</param>
    /// <returns>The builder.</returns>
    public static LeaseElectionBuilder UsePreferredLeader(this LeaseElectionBuilder builder, int priority, TimeSpan? delayPerPriority = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddFailoverPolicy(new PreferredLeaderFailoverPolicy(priority, delayPerPriority ?? TimeSpan.FromSeconds(2)));
    }

    /// <summary>Steps down when this host's selected health checks stay failing, and keeps a failing host from standing.</summary>
    /// <param name="builder">The lease election builder.</param>
    /// <param name="configure">Selects the checks and sets the timings.</param>
    /// <returns>The builder.</returns>
    public static LeaseElectionBuilder StepDownWhenUnhealthy(this LeaseElectionBuilder builder, Action<HealthCheckFailoverPolicyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new HealthCheckFailoverPolicyOptions();
        configure?.Invoke(options);
        return builder.AddFailoverPolicy(new HealthCheckFailoverPolicy(options));
    }

    /// <summary>Damps flapping: hold off after a loss, and cap acquisitions per window.</summary>
    /// <param name="builder">The lease election builder.</param>
    /// <param name="holdOffAfterLoss">How long to stay out after losing the lease; default 30 s.</param>
    /// <param name="maxAcquisitions">Acquisitions allowed per window; default 3.</param>
    /// <param name="window">The window; default 10 minutes.</param>
    /// <returns>The builder.</returns>
    public static LeaseElectionBuilder UseFlapDamping(this LeaseElectionBuilder builder, TimeSpan? holdOffAfterLoss = null, int maxAcquisitions = 3, TimeSpan? window = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddFailoverPolicy(new FlapDampingFailoverPolicy(holdOffAfterLoss ?? TimeSpan.FromSeconds(30), maxAcquisitions, window ?? TimeSpan.FromMinutes(10)));
    }
}
