namespace Corda.HighAvailability.LeaseElection.Policies;

/// <summary>
/// The extension point for failover decisions. The elector asks every registered policy:
/// <list type="bullet">
/// <item><see cref="ShouldStandForElectionAsync"/> before each attempt to take the lease: all must agree;</item>
/// <item><see cref="GetTakeoverDelay"/> how long to wait after the lease became free before trying: the longest wins;</item>
/// <item><see cref="ShouldStepDownAsync"/> before each renewal while leading: any one can make the leader release.</item>
/// </list>
/// Override only what you need; the base answers "stand, no delay, never step down". A policy that throws is
/// logged and treated as having given that default answer, so a bug in a policy cannot stop the election.
/// Policies can only make a host more reluctant to lead; they can never make two hosts lead at once.
/// </summary>
public abstract class FailoverPolicy
{
    /// <summary>Whether this host should try to take the lease now.</summary>
    /// <param name="context">The elector's state.</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    /// <returns><see langword="true"/> to stand for election.</returns>
    public virtual ValueTask<bool> ShouldStandForElectionAsync(FailoverPolicyContext context, CancellationToken cancellationToken) =>
        new(true);

    /// <summary>Extra wait after the lease is seen free (released or lapsed) before this host tries to take it.</summary>
    /// <param name="context">The elector's state.</param>
    /// <returns>The delay; <see cref="TimeSpan.Zero"/> for none.</returns>
    public virtual TimeSpan GetTakeoverDelay(FailoverPolicyContext context) => TimeSpan.Zero;

    /// <summary>Whether the leader should release the lease now (for example, because it is unhealthy).</summary>
    /// <param name="context">The elector's state.</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    /// <returns><see langword="true"/> to step down.</returns>
    public virtual ValueTask<bool> ShouldStepDownAsync(FailoverPolicyContext context, CancellationToken cancellationToken) =>
        new(false);
}
