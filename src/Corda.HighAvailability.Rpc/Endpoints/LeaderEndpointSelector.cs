using Corda.HighAvailability.Rpc.Transport;

namespace Corda.HighAvailability.Rpc.Endpoints;

/// <summary>
/// Goes to the current leader's endpoint first: <see cref="LeaderName"/> returns the name of the endpoint served by
/// the leader, for example the holder of the lease this host observes
/// (<c>() =&gt; elector.ObservedLease?.Holder?.Id</c> with lease election, whose holder ids then name the endpoints).
/// When the leader is unknown, matches no endpoint, or the previous attempt on it failed, the fallback selector
/// chooses, so that a stale view of the lease never keeps the client away from a live node: attempts then
/// alternate between the leader and the others.
/// </summary>
public sealed class LeaderEndpointSelector : IRpcEndpointSelector
{
    private readonly IRpcEndpointSelector _fallback;

    /// <summary>Creates the selector.</summary>
    /// <param name="leaderName">Returns the endpoint name of the current leader, or <see langword="null"/> when unknown. Called once per attempt; must be quick.</param>
    /// <param name="fallback">Chooses when the leader does not; default a non-sticky <see cref="OrderedEndpointSelector"/>.</param>
    public LeaderEndpointSelector(Func<string?> leaderName, IRpcEndpointSelector? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(leaderName);
        LeaderName = leaderName;
        _fallback = fallback ?? new OrderedEndpointSelector(sticky: false);
    }

    /// <summary>Returns the current leader's endpoint name.</summary>
    public Func<string?> LeaderName { get; }

    /// <inheritdoc />
    public RpcEndpoint Select(RpcEndpointSelectionContext context)
    {
        var leader = LeaderName();
        var leaderIndex = -1;
        if (leader is not null)
        {
            foreach (var endpoint in context.Endpoints)
            {
                if (string.Equals(endpoint.Name, leader, StringComparison.Ordinal))
                {
                    leaderIndex = context.IndexOf(endpoint);
                    var justFailedThere = context.FailedAttempts > 0 && context.IndexOf(context.LastAttempted) == leaderIndex;
                    if (!justFailedThere)
                    {
                        return endpoint;
                    }

                    break;
                }
            }
        }

        var chosen = _fallback.Select(context);
        // The leader just failed: do not let the fallback send the next attempt straight back to it.
        return leaderIndex >= 0 && context.Endpoints.Count > 1 && context.IndexOf(chosen) == leaderIndex
            ? context.Endpoints[(leaderIndex + 1) % context.Endpoints.Count]
            : chosen;
    }
}
