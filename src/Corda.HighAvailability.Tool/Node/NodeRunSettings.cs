using Corda.HighAvailability.Checkpoints;
using Corda.HighAvailability.Tool.Providers;

namespace Corda.HighAvailability.Tool.Node;

/// <summary>What <c>corda-ha node run</c> runs with.</summary>
internal sealed record NodeRunSettings(
    ProviderKind Provider,
    string ConnectionString,
    string LeaseName,
    string? TableName,
    string? Identity,
    TimeSpan LeaseDuration,
    TimeSpan? RenewDeadline,
    TimeSpan GracePeriod,
    TimeSpan SafetyMargin,
    int? ReadinessPort,
    int StopSignal,
    CheckpointGateMode VerifyCheckpoints,
    FindingSeverity VerifyFailOn,
    bool CreateSchema,
    bool GuardRelease,
    string? GuardLog,
    bool Events,
    int MaxCrashes,
    TimeSpan CrashWindow,
    TimeSpan RestartDelay,
    IReadOnlyList<string> NodeCommandLine)
{
    /// <summary>
    /// The lease timings: without <c>--renew-deadline</c>, two thirds of the lease (client-go's proportion), shortened
    /// so that the hard kill after the grace period still lands a safety margin before the lease can lapse. If even
    /// that leaves no room for renewals, the options validators refuse the combination with messages naming it.
    /// </summary>
    public TimeSpan EffectiveRenewDeadline
    {
        get
        {
            if (RenewDeadline is { } explicitDeadline)
            {
                return explicitDeadline;
            }

            var proportional = LeaseDuration * 2 / 3;
            var fitting = LeaseDuration - GracePeriod - SafetyMargin;
            return fitting < proportional ? fitting : proportional;
        }
    }

    /// <summary>How often the leader renews: client-go's lease/7.5, at most a third of the renew deadline.</summary>
    public TimeSpan RetryPeriod
    {
        get
        {
            var proportional = LeaseDuration / 7.5;
            var third = EffectiveRenewDeadline / 3;
            return third > TimeSpan.Zero && third < proportional ? third : proportional;
        }
    }
}
