using Corda.HighAvailability.LeaseElection.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Corda.HighAvailability.LeaseElection.Hosting;

/// <summary>Creates and starts a fresh <typeparamref name="TService"/> per leadership term, and stops it when the term ends.</summary>
internal sealed partial class LeaderOnlyServiceRunner<TService>(IServiceProvider services, ILogger<LeaderOnlyServiceRunner<TService>> logger)
    : ILeadershipObserver
    where TService : class, IHostedService
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TService? _current;

    public async Task OnStartedLeadingAsync(LeaseToken token, CancellationToken leadershipToken)
    {
        await _gate.WaitAsync(leadershipToken).ConfigureAwait(false);
        try
        {
            // A new instance per term: hosted services are not designed to be restarted.
            var service = ActivatorUtilities.CreateInstance<TService>(services);
            await service.StartAsync(leadershipToken).ConfigureAwait(false);
            _current = service;
            LogStarted(logger, typeof(TService).Name, token.Epoch);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task OnStoppedLeadingAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_current is not { } service)
            {
                return;
            }

            _current = null;
            try
            {
                await service.StopAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                switch (service)
                {
                    case IAsyncDisposable asyncDisposable:
                        await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                        break;
                    case IDisposable disposable:
                        disposable.Dispose();
                        break;
                }
            }

            LogStopped(logger, typeof(TService).Name);
        }
        finally
        {
            _gate.Release();
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Leader-only service {Service} started for epoch {Epoch}.")]
    private static partial void LogStarted(ILogger logger, string service, long epoch);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Leader-only service {Service} stopped.")]
    private static partial void LogStopped(ILogger logger, string service);
}
