using Microsoft.Extensions.Hosting;

namespace Corda.HighAvailability.LeaseElection.Supervision;

/// <summary>Keeps a spare guard process ready from the host's start, and ends it when the host stops.</summary>
internal sealed class NodeGuardWarmer(NodeSupervisor supervisor) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = Task.Run(supervisor.PrepareSpareGuard, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        supervisor.DisposeSpareGuard();
        return Task.CompletedTask;
    }
}
