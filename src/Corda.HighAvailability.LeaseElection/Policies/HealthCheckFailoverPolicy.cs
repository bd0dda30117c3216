using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.LeaseElection.Policies;

/// <summary>
/// Leads only while healthy: a host whose selected health checks report at or below
/// <see cref="HealthCheckFailoverPolicyOptions.FailureStatus"/> does not stand for election, and a leader in that
/// state for <see cref="HealthCheckFailoverPolicyOptions.StepDownAfter"/> steps down so that a healthy standby takes over.
/// </summary>
public sealed class HealthCheckFailoverPolicy : FailoverPolicy
{
    private readonly HealthCheckFailoverPolicyOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long? _lastCheck;
    private long? _failingSince;
    private bool _failing;

    /// <summary>Creates the policy.</summary>
    /// <param name="options">Which checks count, and the timings.</param>
    public HealthCheckFailoverPolicy(HealthCheckFailoverPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Predicate, $"{nameof(HealthCheckFailoverPolicyOptions)}.{nameof(options.Predicate)}");
        if (options.StepDownAfter < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"{nameof(HealthCheckFailoverPolicyOptions)}.{nameof(options.StepDownAfter)} must not be negative.");
        }

        if (options.CheckInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"{nameof(HealthCheckFailoverPolicyOptions)}.{nameof(options.CheckInterval)} must be positive.");
        }

        _options = options;
    }

    /// <inheritdoc />
    public override async ValueTask<bool> ShouldStandForElectionAsync(FailoverPolicyContext context, CancellationToken cancellationToken) =>
        !await IsFailingAsync(context, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public override async ValueTask<bool> ShouldStepDownAsync(FailoverPolicyContext context, CancellationToken cancellationToken)
    {
        if (!await IsFailingAsync(context, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        return _failingSince is { } since && context.TimeProvider.GetElapsedTime(since) >= _options.StepDownAfter;
    }

    private async ValueTask<bool> IsFailingAsync(FailoverPolicyContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var time = context.TimeProvider;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_lastCheck is { } last && time.GetElapsedTime(last) < _options.CheckInterval)
            {
                return _failing;
            }

            var service = context.Services.GetService<HealthCheckService>()
                ?? throw new InvalidOperationException("HealthCheckFailoverPolicy needs health checks: call services.AddHealthChecks().");
            var report = await service.CheckHealthAsync(_options.Predicate, cancellationToken).ConfigureAwait(false);
            _lastCheck = time.GetTimestamp();
            _failing = report.Entries.Count > 0 && report.Status <= _options.FailureStatus;
            _failingSince = _failing ? _failingSince ?? _lastCheck : null;
            return _failing;
        }
        finally
        {
            _gate.Release();
        }
    }
}
