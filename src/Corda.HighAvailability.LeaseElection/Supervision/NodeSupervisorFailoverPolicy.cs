using Corda.HighAvailability.LeaseElection.Policies;
using Microsoft.Extensions.DependencyInjection;

namespace Corda.HighAvailability.LeaseElection.Supervision;

/// <summary>
/// Always registered with the supervisor: the leader steps down when the supervisor cannot run the node under its
/// term (a pre-start gate refused, the guard could not start, or the guard killed the node on its deadline), and
/// after a refusal this host sits out one lease duration so that a standby gets the first chance.
/// </summary>
internal sealed class NodeSupervisorFailoverPolicy : FailoverPolicy
{
    public override ValueTask<bool> ShouldStepDownAsync(FailoverPolicyContext context, CancellationToken cancellationToken) =>
        new(context.IsLeader && context.Services.GetService<NodeSupervisor>() is { StepDownRequested: true });

    public override ValueTask<bool> ShouldStandForElectionAsync(FailoverPolicyContext context, CancellationToken cancellationToken)
    {
        if (context.Services.GetService<NodeSupervisor>()?.LastStepDownRequest is not { } since)
        {
            return new(true);
        }

        var lease = context.Options.LeaseDuration;
        return new(context.TimeProvider.GetElapsedTime(since) >= lease || context.VacantFor is { } vacant && vacant >= lease);
    }
}
