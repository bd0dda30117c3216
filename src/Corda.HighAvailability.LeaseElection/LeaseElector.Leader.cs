using System.Diagnostics;
using Corda.HighAvailability.LeaseElection.Policies;
using Corda.HighAvailability.LeaseElection.Storage;

namespace Corda.HighAvailability.LeaseElection;

/// <summary>The leader's side of the loop: renew on time, end the term on loss, release on step-down.</summary>
internal sealed partial class LeaseElector
{
    /// <summary>One leader step: wait until the next renewal is due, renew, then collect the policies' step-down answer.</summary>
    private async Task LeadAsync(LeadershipTerm term, CancellationToken stoppingToken)
    {
        if (!term.IsActive)
        {
            await EndTermAsync(term, LeadershipTransitionKind.Lost, "no renewal succeeded within the renew deadline", release: false).ConfigureAwait(false);
            return;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, term.Cancellation);
        try
        {
            // Paced from the previous attempt's start, so that time spent on a slow renewal or a policy is not added.
            var due = _options.RetryPeriod - _time.GetElapsedTime(term.NextRenewalAttempt);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, _time, linked.Token).ConfigureAwait(false);
            }

            await RenewAsync(term, linked.Token).ConfigureAwait(false);
            if (term.IsActive && await ShouldStepDownAsync(term, linked.Token).ConfigureAwait(false))
            {
                await EndTermAsync(term, LeadershipTransitionKind.Released, "a failover policy asked to step down", release: true).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested && term.Cancellation.IsCancellationRequested)
        {
            // The renew deadline passed; the timer has ended (or is ending) the term.
            await EndTermAsync(term, LeadershipTransitionKind.Lost, "no renewal succeeded within the renew deadline", release: false).ConfigureAwait(false);
        }
    }

    private async Task RenewAsync(LeadershipTerm term, CancellationToken cancellationToken)
    {
        var start = _time.GetTimestamp();
        term.NextRenewalAttempt = start;
        using var activity = StartActivity("corda_ha.lease.renew");
        activity?.SetTag("corda_ha.lease.epoch", term.Token.Epoch);
        LeaseAttemptResult result;
        try
        {
            result = await _store.TryRenewAsync(term.Token, _options.LeaseDuration, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().FullName);
            _metrics.RenewDuration(_options.LeaseName, _time.GetElapsedTime(start), "error");
            _metrics.RenewFailure(_options.LeaseName, ex.GetType().FullName ?? "error");
            LogRenewFailed(_logger, ex, _options.LeaseName, term.Token.Epoch, _time.GetElapsedTime(term.LastRenewalStart));
            return;
        }

        _metrics.RenewDuration(_options.LeaseName, _time.GetElapsedTime(start), result.Succeeded ? "renewed" : "lost");
        Observe(result.Record, _time.GetTimestamp());
        if (result.Succeeded)
        {
            if (!term.Renewed(start))
            {
                // Applied by the database, but after this host's deadline: standbys may count the grant as lapsed.
                LogRenewedTooLate(_logger, _options.LeaseName, term.Token.Epoch, _time.GetElapsedTime(start));
            }

            return;
        }

        activity?.SetStatus(ActivityStatusCode.Error, "lease_lost");
        _metrics.RenewFailure(_options.LeaseName, "lease_lost");
        var holder = result.Record?.Holder?.Id ?? "nobody";
        await EndTermAsync(term, LeadershipTransitionKind.Lost, $"the renewal found the lease held by '{holder}' at epoch {result.Record?.Epoch}", release: false).ConfigureAwait(false);
    }

    private async Task BeginTermAsync(LeaseToken token, long grantStart)
    {
        var term = new LeadershipTerm(token, grantStart, _time, _options.RenewDeadline, OnRenewDeadlinePassed);
        if (!term.IsActive)
        {
            // The acquire took longer than the renew deadline: standbys may count this grant as lapsed already.
            // Give it back rather than lead on borrowed time; the loop stands again.
            LogAcquiredTooLate(_logger, token.LeaseName, token.Epoch, _time.GetElapsedTime(grantStart));
            term.Dispose();
            await ReleaseAsync(token, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        TaskCompletionSource<LeaseToken> waiters;
        lock (_sync)
        {
            Volatile.Write(ref _term, term);
            Remember(LeadershipTransitionKind.Acquired, token.Epoch);
            waiters = _leadershipWaiters;
        }

        term.Arm();
        LogAcquired(_logger, token.LeaseName, token.Epoch, token.HolderId);
        _metrics.Transition(token.LeaseName, "acquired");
        waiters.TrySetResult(token);

        // Events and leader-only services are user code: they run off the loop, so the first renewal is never late.
        term.StartedWork = Task.Run(() => StartLeaderWorkAsync(term), CancellationToken.None);
    }

    private async Task StartLeaderWorkAsync(LeadershipTerm term)
    {
        Raise(StartedLeading, new LeadershipChangedEventArgs(term.Token, LeadershipTransitionKind.Acquired, "acquired the lease"));
        foreach (var observer in _observers)
        {
            if (term.Cancellation.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await observer.OnStartedLeadingAsync(term.Token, term.Cancellation).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (term.Cancellation.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogObserverFailed(_logger, ex, observer.GetType().Name);
            }
        }
    }

    private void OnRenewDeadlinePassed(LeadershipTerm term)
    {
        LogRenewDeadlinePassed(_logger, term.Token.LeaseName, term.Token.Epoch, _options.RenewDeadline);
        _ = EndTermAsync(term, LeadershipTransitionKind.Lost, "no renewal succeeded within the renew deadline", release: false);
    }

    /// <summary>Ends a term once: cancel the leadership token, stop leader-only work, then release if asked.</summary>
    private async Task EndTermAsync(LeadershipTerm term, LeadershipTransitionKind kind, string reason, bool release)
    {
        // Unpublish first, whoever ends the term (timer or loop), so that the loop never spins on a dead term.
        lock (_sync)
        {
            if (ReferenceEquals(_term, term))
            {
                Volatile.Write(ref _term, null);
            }
        }

        if (!term.TryEnd())
        {
            return;
        }

        lock (_sync)
        {
            Remember(kind, term.Token.Epoch);
            if (_leadershipWaiters.Task.IsCompleted)
            {
                _leadershipWaiters = NewWaiters();
            }
        }

        // This host's own grant is no evidence of vacancy: watch the row afresh, like any other candidate.
        _vacancy.Reset();
        if (kind == LeadershipTransitionKind.Lost)
        {
            LogLost(_logger, term.Token.LeaseName, term.Token.Epoch, reason);
        }
        else
        {
            LogReleasing(_logger, term.Token.LeaseName, term.Token.Epoch, reason);
        }

        _metrics.Transition(term.Token.LeaseName, kind == LeadershipTransitionKind.Lost ? "lost" : "released");
        using var timeout = new CancellationTokenSource(_options.ReleaseTimeout, _time);
        try
        {
            // Leader-only work may still be starting; it saw the cancelled token, so it ends soon.
            await term.StartedWork.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            LogObserverSlow(_logger, term.Token.LeaseName, _options.ReleaseTimeout);
        }

        Raise(StoppedLeading, new LeadershipChangedEventArgs(term.Token, kind, reason));
        foreach (var observer in _observers)
        {
            try
            {
                await observer.OnStoppedLeadingAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogObserverFailed(_logger, ex, observer.GetType().Name);
            }
        }

        term.Dispose();
        if (release)
        {
            await ReleaseAsync(term.Token, timeout.Token).ConfigureAwait(false);
        }
    }

    private async Task ReleaseAsync(LeaseToken token, CancellationToken cancellationToken)
    {
        using var activity = StartActivity("corda_ha.lease.release");
        activity?.SetTag("corda_ha.lease.epoch", token.Epoch);
        try
        {
            var released = await _store.ReleaseAsync(token, cancellationToken).ConfigureAwait(false);
            LogReleased(_logger, token.LeaseName, token.Epoch, released);
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().FullName);
            LogReleaseFailed(_logger, ex, token.LeaseName, token.Epoch);
        }
    }
}
