using Microsoft.Extensions.Hosting;

namespace Corda.HighAvailability.LeaseElection.Hosting;

/// <summary>Runs the election for the life of the host; on stop, leader-only work stops and then the lease is released.</summary>
internal sealed class LeaseElectionHostedService(LeaseElector elector) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => elector.RunAsync(stoppingToken);
}
