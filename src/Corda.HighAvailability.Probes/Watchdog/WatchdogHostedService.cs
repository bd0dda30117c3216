using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Probes.Watchdog;

/// <summary>Runs the watchdog's rounds: one when the host starts, then one every <see cref="WatchdogOptions.Period"/> on the host's clock.</summary>
internal sealed class WatchdogHostedService(
    Watchdog watchdog, IOptions<WatchdogOptions> options, TimeProvider time, ILogger<WatchdogHostedService>? logger = null) : BackgroundService
{
    private readonly ILogger _logger = logger ?? NullLogger<WatchdogHostedService>.Instance;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A PeriodicTimer keeps the schedule (a slow round does not push the next ones later) and skips missed ticks.
        using var timer = new PeriodicTimer(options.Value.Period, time);
        try
        {
            do
            {
                try
                {
                    await watchdog.RunOnceAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // A bug in one round must not stop the watchdog (nor, as an unhandled exception, the host).
                catch (Exception e)
#pragma warning restore CA1031
                {
                    WatchdogLog.RoundFailed(_logger, e);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
