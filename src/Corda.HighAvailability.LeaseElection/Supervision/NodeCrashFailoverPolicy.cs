using Corda.HighAvailability.LeaseElection.Policies;
using Microsoft.Extensions.DependencyInjection;

namespace Corda.HighAvailability.LeaseElection.Supervision;

/// <summary>
/// Releases the lease when the node crashed <see cref="MaxCrashes"/> times within <see cref="Window"/>, at least once
/// during the current term, so that a standby takes over; the supervisor meanwhile restarts the node with backoff.
/// Afterwards this host does not stand while the crashes are in the window, unless the lease stayed vacant for a
/// lease duration (nobody else took it: a crashing node beats none). Registered by <c>RunProcessWhileLeader</c>
/// unless <see cref="NodeProcessOptions.UseCrashFailoverPolicy"/> is false; write your own from
/// <see cref="INodeSupervisor.RecentCrashes"/> to replace it.
/// </summary>
public sealed class NodeCrashFailoverPolicy : FailoverPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="maxCrashes">Crashes within <paramref name="window"/> that make the leader step down.</param>
    /// <param name="window">The sliding window.</param>
    public NodeCrashFailoverPolicy(int maxCrashes, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCrashes, 1);
        if (window <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "The window must be positive.");
        }

        MaxCrashes = maxCrashes;
        Window = window;
    }

    /// <summary>Crashes within <see cref="Window"/> that make the leader step down.</summary>
    public int MaxCrashes { get; }

    /// <summary>The sliding window of <see cref="MaxCrashes"/>.</summary>
    public TimeSpan Window { get; }

    /// <inheritdoc />
    public override ValueTask<bool> ShouldStepDownAsync(FailoverPolicyContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.LeadershipDuration is not { } leading || context.Services.GetService<INodeSupervisor>() is not { } supervisor)
        {
            return new(false);
        }

        var time = context.TimeProvider;
        var inWindow = supervisor.RecentCrashes.Where(t => time.GetElapsedTime(t) < Window).ToList();
        return new(inWindow.Count >= MaxCrashes && inWindow.Exists(t => time.GetElapsedTime(t) <= leading));
    }

    /// <inheritdoc />
    public override ValueTask<bool> ShouldStandForElectionAsync(FailoverPolicyContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Services.GetService<INodeSupervisor>() is not { } supervisor)
        {
            return new(true);
        }

        if (context.VacantFor is { } vacant && vacant >= context.Options.LeaseDuration)
        {
            return new(true);
        }

        var time = context.TimeProvider;
        return new(supervisor.RecentCrashes.Count(t => time.GetElapsedTime(t) < Window) < MaxCrashes);
    }
}
