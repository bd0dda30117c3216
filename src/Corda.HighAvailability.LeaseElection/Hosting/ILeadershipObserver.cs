using Corda.HighAvailability.LeaseElection.Storage;

namespace Corda.HighAvailability.LeaseElection.Hosting;

/// <summary>
/// Leader-only components that the elector awaits: started when leadership begins, and awaited when it ends,
/// before the lease is released (client-go's rule: guarded work finishes before release).
/// </summary>
internal interface ILeadershipObserver
{
    Task OnStartedLeadingAsync(LeaseToken token, CancellationToken leadershipToken);

    Task OnStoppedLeadingAsync(CancellationToken cancellationToken);
}
