namespace Corda.HighAvailability.LeaseElection.Policies;

/// <summary>
/// Flap damping: after this host loses or gives up the lease it holds off for <see cref="HoldOffAfterLoss"/>
/// (letting a healthier standby take over), and after <see cref="MaxAcquisitions"/> acquisitions within
/// <see cref="Window"/> it stops standing until the oldest of them leaves the window. Damping only delays:
/// once the lease has been vacant for the longer of <see cref="HoldOffAfterLoss"/> and one lease duration (nobody
/// else took it, as after a database glitch that damped every host), a damped host stands again. The worst time
/// without a leader is therefore about one lease duration (to see the lease vacant) plus that, never the whole window.
/// </summary>
public sealed class FlapDampingFailoverPolicy : FailoverPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="holdOffAfterLoss">How long to stay out after losing or releasing the lease.</param>
    /// <param name="maxAcquisitions">How many acquisitions are allowed within <paramref name="window"/>.</param>
    /// <param name="window">The sliding window for <paramref name="maxAcquisitions"/>.</param>
    public FlapDampingFailoverPolicy(TimeSpan holdOffAfterLoss, int maxAcquisitions, TimeSpan window)
    {
        if (holdOffAfterLoss < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(holdOffAfterLoss), holdOffAfterLoss, "The hold-off must not be negative.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxAcquisitions, 1);
        if (window <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "The window must be positive.");
        }

        HoldOffAfterLoss = holdOffAfterLoss;
        MaxAcquisitions = maxAcquisitions;
        Window = window;
    }

    /// <summary>How long this host stays out after losing or releasing the lease.</summary>
    public TimeSpan HoldOffAfterLoss { get; }

    /// <summary>How many acquisitions are allowed within <see cref="Window"/>.</summary>
    public int MaxAcquisitions { get; }

    /// <summary>The sliding window for <see cref="MaxAcquisitions"/>.</summary>
    public TimeSpan Window { get; }

    /// <inheritdoc />
    public override ValueTask<bool> ShouldStandForElectionAsync(FailoverPolicyContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var transitions = context.RecentTransitions;
        if (transitions.Count == 0)
        {
            return new(true);
        }

        var time = context.TimeProvider;
        var last = transitions[^1];
        if (last.Kind != LeadershipTransitionKind.Acquired && time.GetElapsedTime(last.Timestamp) < HoldOffAfterLoss)
        {
            return new(false);
        }

        var giveIn = HoldOffAfterLoss > context.Options.LeaseDuration ? HoldOffAfterLoss : context.Options.LeaseDuration;
        if (context.VacantFor is { } vacant && vacant >= giveIn)
        {
            // Nobody healthier took over: leading while flapping beats not leading at all.
            return new(true);
        }

        var recentAcquisitions = transitions.Count(t => t.Kind == LeadershipTransitionKind.Acquired && time.GetElapsedTime(t.Timestamp) < Window);
        return new(recentAcquisitions < MaxAcquisitions);
    }
}
