using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.LeaseElection;

/// <summary>Refuses inconsistent options at start-up with messages that name the option.</summary>
internal sealed class LeaseElectionOptionsValidator : IValidateOptions<LeaseElectionOptions>
{
    private const string Prefix = nameof(LeaseElectionOptions) + ".";

    public ValidateOptionsResult Validate(string? name, LeaseElectionOptions options)
    {
        var errors = new List<string>();
        CheckText(errors, options.LeaseName, nameof(options.LeaseName), LeaseElectionConstants.MaxLeaseNameLength);
        CheckText(errors, options.Identity, nameof(options.Identity), LeaseElectionConstants.MaxIdentityLength);

        if (options.RetryPeriod <= TimeSpan.Zero)
        {
            errors.Add($"{Prefix}{nameof(options.RetryPeriod)} must be positive (was {options.RetryPeriod}).");
        }

        // The safety argument: the leader self-fences at RenewDeadline after the start of its last successful
        // renewal; a standby takes over only LeaseDuration after it first saw that renewal, a later moment.
        if (options.RenewDeadline <= options.RetryPeriod)
        {
            errors.Add($"{Prefix}{nameof(options.RenewDeadline)} ({options.RenewDeadline}) must be longer than {Prefix}{nameof(options.RetryPeriod)} ({options.RetryPeriod}), so that a renewal can be retried before the leader gives up.");
        }

        if (options.LeaseDuration <= options.RenewDeadline)
        {
            errors.Add($"{Prefix}{nameof(options.LeaseDuration)} ({options.LeaseDuration}) must be longer than {Prefix}{nameof(options.RenewDeadline)} ({options.RenewDeadline}), so that the leader stops before another candidate can take the lease.");
        }

        // A fenced transaction holds the lease row's lock from its check to its commit; bounded by this limit, it
        // ends before a standby can take over, so it never delays a failover.
        if (options.FencedWriteTimeout is { } fenced && (fenced <= TimeSpan.Zero || fenced > options.LeaseDuration - options.RenewDeadline))
        {
            errors.Add($"{Prefix}{nameof(options.FencedWriteTimeout)} ({fenced}) must be positive and at most {Prefix}{nameof(options.LeaseDuration)} - {Prefix}{nameof(options.RenewDeadline)} ({options.LeaseDuration - options.RenewDeadline}).");
        }

        if (options.ReleaseTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{Prefix}{nameof(options.ReleaseTimeout)} must be positive (was {options.ReleaseTimeout}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckText(List<string> errors, string? value, string option, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{Prefix}{option} is required.");
        }
        else if (value.Length > maxLength)
        {
            errors.Add($"{Prefix}{option} is longer than {maxLength} characters.");
        }
        else if (value.Any(char.IsControl))
        {
            errors.Add($"{Prefix}{option} contains control characters.");
        }
    }
}
