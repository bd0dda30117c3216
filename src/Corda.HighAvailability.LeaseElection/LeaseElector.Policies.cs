using Corda.HighAvailability.LeaseElection.Policies;

namespace Corda.HighAvailability.LeaseElection;

/// <summary>
/// Failover policies are user code: each question runs on the thread pool with at most one evaluation in flight
/// (<see cref="TimeBoxedQuestion"/>), and the loop waits for the answer only up to a time box, so that a slow
/// health check can neither make a leader miss its renewals nor stall a candidate.
/// </summary>
internal sealed partial class LeaseElector
{
    private FailoverPolicyContext CreateContext(LeadershipTerm? term)
    {
        LeadershipTransition[] transitions;
        lock (_sync)
        {
            transitions = _transitions.ToArray();
        }

        return new FailoverPolicyContext(
            _options,
            term is { IsActive: true },
            _observed,
            term is null ? null : _time.GetElapsedTime(term.StartedAt),
            transitions,
            _time,
            _services,
            term is null ? _vacancy.VacantFor() : null);
    }

    /// <summary>Whether every policy agrees to stand; a policy that throws or does not answer within a retry period counts as yes.</summary>
    private async ValueTask<bool> ShouldStandAsync(FailoverPolicyContext context, CancellationToken cancellationToken)
    {
        if (_policies.Length == 0)
        {
            return true;
        }

        var answer = await _standQuestion.AskAsync(
            () => AskAllToStandAsync(context, cancellationToken),
            _options.RetryPeriod,
            _time,
            cancellationToken).ConfigureAwait(false);
        if (answer is null)
        {
            LogPolicySlow(_logger, nameof(FailoverPolicy.ShouldStandForElectionAsync), _options.RetryPeriod);
        }

        return answer ?? true;
    }

    private async Task<bool> AskAllToStandAsync(FailoverPolicyContext context, CancellationToken cancellationToken)
    {
        foreach (var policy in _policies)
        {
            try
            {
                if (!await policy.ShouldStandForElectionAsync(context, cancellationToken).ConfigureAwait(false))
                {
                    return false;
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogPolicyFailed(_logger, ex, policy.GetType().Name, nameof(FailoverPolicy.ShouldStandForElectionAsync));
            }
        }

        return true;
    }

    private TimeSpan GetTakeoverDelay(FailoverPolicyContext context)
    {
        var delay = TimeSpan.Zero;
        foreach (var policy in _policies)
        {
            try
            {
                var wanted = policy.GetTakeoverDelay(context);
                delay = wanted > delay ? wanted : delay;
            }
            catch (Exception ex)
            {
                LogPolicyFailed(_logger, ex, policy.GetType().Name, nameof(FailoverPolicy.GetTakeoverDelay));
            }
        }

        return delay;
    }

    /// <summary>
    /// Whether a policy asks the leader to step down. The loop waits a quarter of a retry period at most; an answer
    /// still being computed is collected at the next renewal.
    /// </summary>
    private async ValueTask<bool> ShouldStepDownAsync(LeadershipTerm term, CancellationToken cancellationToken)
    {
        if (_policies.Length == 0)
        {
            return false;
        }

        var context = CreateContext(term);
        var answer = await term.StepDownQuestion.AskAsync(
            () => AskAnyToStepDownAsync(context, term.Cancellation),
            _options.RetryPeriod / 4,
            _time,
            cancellationToken).ConfigureAwait(false);
        return answer ?? false;
    }

    private async Task<bool> AskAnyToStepDownAsync(FailoverPolicyContext context, CancellationToken cancellationToken)
    {
        foreach (var policy in _policies)
        {
            try
            {
                if (await policy.ShouldStepDownAsync(context, cancellationToken).ConfigureAwait(false))
                {
                    return true;
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogPolicyFailed(_logger, ex, policy.GetType().Name, nameof(FailoverPolicy.ShouldStepDownAsync));
            }
        }

        return false;
    }
}
