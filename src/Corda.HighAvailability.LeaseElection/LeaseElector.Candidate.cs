using System.Diagnostics;

namespace Corda.HighAvailability.LeaseElection;

/// <summary>The candidate's side of the loop: watch the row, and take it over only when it is vacant.</summary>
internal sealed partial class LeaseElector
{
    /// <summary>
    /// One candidate step: read the row; if it is not vacant yet, wait (at most a retry period, or until the store
    /// signals a change); if it is, ask the policies and try to take it with a compare-and-set on what was seen.
    /// </summary>
    private async Task StandAsync(CancellationToken stoppingToken)
    {
        try
        {
            var record = await _store.ReadAsync(_options.LeaseName, stoppingToken).ConfigureAwait(false);
            Observe(record, _time.GetTimestamp());
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            LogReadFailed(_logger, ex, _options.LeaseName);
            await Task.Delay(_options.RetryPeriod, _time, stoppingToken).ConfigureAwait(false);
            return;
        }

        var untilVacant = _vacancy.TimeToVacancy();
        if (untilVacant > TimeSpan.Zero)
        {
            // Polling at the retry period bounds how late this host sees the holder's last renewal, and with it
            // how much longer than one lease duration a crash failover can take.
            await WaitForChangeAsync(Clamp(untilVacant, LeaseElectionConstants.MinimumWait, _options.RetryPeriod), stoppingToken).ConfigureAwait(false);
            return;
        }

        var context = CreateContext(null);
        if (!await ShouldStandAsync(context, stoppingToken).ConfigureAwait(false))
        {
            await Task.Delay(_options.RetryPeriod, _time, stoppingToken).ConfigureAwait(false);
            return;
        }

        var delay = GetTakeoverDelay(context);
        if (delay > TimeSpan.Zero)
        {
            // The compare-and-set below still refers to the revision seen before the delay: if anyone wrote the row
            // meanwhile (a preferred leader took over), the attempt fails and this host watches again.
            await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
        }

        await TryAcquireAsync(_vacancy.ExpectedRevision, stoppingToken).ConfigureAwait(false);
    }

    private async Task TryAcquireAsync(long? expectedRevision, CancellationToken stoppingToken)
    {
        var start = _time.GetTimestamp();
        Storage.LeaseAttemptResult result;
        using (var activity = StartActivity("corda_ha.lease.acquire"))
        {
            try
            {
                result = await _store.TryAcquireAsync(_options.LeaseName, _holder, _options.LeaseDuration, expectedRevision, stoppingToken).ConfigureAwait(false);
                activity?.SetTag("corda_ha.lease.acquired", result.Succeeded);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().FullName);
                _metrics.AcquireDuration(_options.LeaseName, _time.GetElapsedTime(start), "error");
                LogAcquireFailed(_logger, ex, _options.LeaseName);
                await Task.Delay(_options.RetryPeriod, _time, stoppingToken).ConfigureAwait(false);
                return;
            }
        }

        _metrics.AcquireDuration(_options.LeaseName, _time.GetElapsedTime(start), result.Succeeded ? "acquired" : "held");
        Observe(result.Record, _time.GetTimestamp());
        if (result.Succeeded)
        {
            await BeginTermAsync(result.Token!, start).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for a change signal of the store or the timeout; a broken signal degrades to a timed wait.</summary>
    private async Task WaitForChangeAsync(TimeSpan wait, CancellationToken stoppingToken)
    {
        try
        {
            await _store.WaitForChangeAsync(_options.LeaseName, wait, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            LogWaitFailed(_logger, ex, _options.LeaseName);
            await Task.Delay(wait, _time, stoppingToken).ConfigureAwait(false);
        }
    }
}
