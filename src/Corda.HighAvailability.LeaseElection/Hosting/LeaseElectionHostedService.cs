using Microsoft.Extensions.Hosting;

namespace Corda.HighAvailability.LeaseElection.Hosting;

/// <summary>Runs the election for the life of the host; on stop, leader-only work stops and then the lease is released.</summary>
internal sealed class LeaseElectionHostedService(LeaseElector elector) : BackgroundService
{
    /// <summary>Refuses to start when the lease table is missing (see <see cref="LeaseElector.CheckStartupAsync"/>), then runs.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await elector.CheckStartupAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => elector.RunAsync(stoppingToken);
}
