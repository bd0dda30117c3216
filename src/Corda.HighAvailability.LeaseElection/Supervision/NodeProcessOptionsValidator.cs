using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.LeaseElection.Supervision;

/// <summary>
/// Refuses node options that cannot stop the node before the lease can lapse: the supervisor's own stop begins at
/// the renew deadline at the latest, and its hard kill follows one grace period later; both, plus the safety
/// margin, must fit in the lease duration. Messages name the options.
/// </summary>
internal sealed class NodeProcessOptionsValidator(IOptions<LeaseElectionOptions> lease) : IValidateOptions<NodeProcessOptions>
{
    private const string Prefix = nameof(NodeProcessOptions) + ".";
    private const string LeasePrefix = nameof(LeaseElectionOptions) + ".";

    public ValidateOptionsResult Validate(string? name, NodeProcessOptions options)
    {
        var errors = new List<string>();
        var election = lease.Value;
        if (string.IsNullOrWhiteSpace(options.Command))
        {
            errors.Add($"{Prefix}{nameof(options.Command)} is required.");
        }

        if (string.IsNullOrWhiteSpace(options.GuardCommand))
        {
            errors.Add($"{Prefix}{nameof(options.GuardCommand)} is required (the dead man's switch, e.g. 'corda-ha').");
        }

        if (options.StopSignal is < 1 or > 64 || options.StopSignal == NodeSupervisionConstants.SigStop)
        {
            errors.Add($"{Prefix}{nameof(options.StopSignal)} ({options.StopSignal}) must be a Linux signal number other than SIGSTOP.");
        }

        if (options.GracePeriod < TimeSpan.Zero)
        {
            errors.Add($"{Prefix}{nameof(options.GracePeriod)} must not be negative (was {options.GracePeriod}).");
        }

        if (options.SafetyMargin <= TimeSpan.Zero)
        {
            errors.Add($"{Prefix}{nameof(options.SafetyMargin)} must be positive (was {options.SafetyMargin}).");
        }

        // The kill deadline: the leader's term ends RenewDeadline after its last confirmed renewal started; the
        // polite stop begins then, and the hard kill lands one grace period later. A standby can take over no
        // earlier than LeaseDuration after that renewal: the kill must come SafetyMargin before.
        var killAt = election.RenewDeadline + options.GracePeriod;
        var limit = election.LeaseDuration - options.SafetyMargin;
        if (killAt > limit)
        {
            errors.Add(
                $"The node's hard kill cannot land before the lease can lapse: {LeasePrefix}{nameof(election.RenewDeadline)} ({election.RenewDeadline}) + "
                + $"{Prefix}{nameof(options.GracePeriod)} ({options.GracePeriod}) = {killAt} exceeds {LeasePrefix}{nameof(election.LeaseDuration)} ({election.LeaseDuration}) - "
                + $"{Prefix}{nameof(options.SafetyMargin)} ({options.SafetyMargin}) = {limit}. Shorten the grace period or the renew deadline, or lengthen the lease.");
        }

        if (options.ReadinessPort is { } port && port is < 1 or > 65535)
        {
            errors.Add($"{Prefix}{nameof(options.ReadinessPort)} ({port}) must be a TCP port (1-65535).");
        }

        if (options.RestartDelay <= TimeSpan.Zero || options.MaxRestartDelay < options.RestartDelay)
        {
            errors.Add($"{Prefix}{nameof(options.RestartDelay)} ({options.RestartDelay}) must be positive and at most {Prefix}{nameof(options.MaxRestartDelay)} ({options.MaxRestartDelay}).");
        }

        if (options.MaxCrashes < 1)
        {
            errors.Add($"{Prefix}{nameof(options.MaxCrashes)} must be at least 1 (was {options.MaxCrashes}).");
        }

        if (options.CrashWindow <= TimeSpan.Zero)
        {
            errors.Add($"{Prefix}{nameof(options.CrashWindow)} must be positive (was {options.CrashWindow}).");
        }

        if (options.GuardRelease is { } release && (string.IsNullOrWhiteSpace(release.Provider) || string.IsNullOrWhiteSpace(release.ConnectionString)))
        {
            errors.Add($"{Prefix}{nameof(options.GuardRelease)} needs both {nameof(release.Provider)} and {nameof(release.ConnectionString)}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
