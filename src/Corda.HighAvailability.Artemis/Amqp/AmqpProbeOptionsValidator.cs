using Corda.HighAvailability.Probes.Internal;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Artemis.Amqp;

/// <summary>Refuses unusable <see cref="AmqpProbeOptions"/> at start-up with messages that name the option and never show a credential.</summary>
internal sealed class AmqpProbeOptionsValidator : IValidateOptions<AmqpProbeOptions>
{
    private const string Prefix = nameof(AmqpProbeOptions) + ".";

    public ValidateOptionsResult Validate(string? name, AmqpProbeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (AmqpEndpoint.Parse(options, out var problem) is null)
        {
            errors.Add($"{Prefix}{nameof(options.Address)} {problem}.");
        }

        if (options.Password is not null && string.IsNullOrEmpty(options.UserName))
        {
            errors.Add($"{Prefix}{nameof(options.Password)} is set but {Prefix}{nameof(options.UserName)} is not.");
        }

        if (options.UserName is { } user && (user.Length == 0 || user.Any(char.IsControl)))
        {
            errors.Add($"{Prefix}{nameof(options.UserName)} must be a non-empty user name without control characters, or null.");
        }

        Text(errors, Prefix + nameof(options.RoundTripAddress), options.RoundTripAddress, "an address such as a queue name, or null");
        Text(errors, Prefix + nameof(options.ContainerId), options.ContainerId, "a container id, or null for a generated one");
        ProbeOptionChecks.Timeout(errors, Prefix + nameof(options.Timeout), options.Timeout);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Text(List<string> errors, string option, string? value, string what)
    {
        if (value is not null && (string.IsNullOrWhiteSpace(value) || value.Any(char.IsControl) || value.Length > 1024))
        {
            errors.Add($"{option} must be {what} (was '{ProbeOptionChecks.Printable(value)}').");
        }
    }
}
