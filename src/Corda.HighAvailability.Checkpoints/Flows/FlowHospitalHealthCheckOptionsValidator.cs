using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Checkpoints.Flows;

/// <summary>Refuses unusable thresholds at start-up with messages that name the option.</summary>
internal sealed class FlowHospitalHealthCheckOptionsValidator : IValidateOptions<FlowHospitalHealthCheckOptions>
{
    private const string Prefix = nameof(FlowHospitalHealthCheckOptions) + ".";

    public ValidateOptionsResult Validate(string? name, FlowHospitalHealthCheckOptions options)
    {
        var errors = new List<string>();
        if (options.MaxHospitalized < 0)
        {
            errors.Add($"{Prefix}{nameof(options.MaxHospitalized)} must not be negative (was {options.MaxHospitalized}).");
        }

        if (options.MaxPaused < 0)
        {
            errors.Add($"{Prefix}{nameof(options.MaxPaused)} must not be negative (was {options.MaxPaused}).");
        }

        if (options.MaxAge <= TimeSpan.Zero)
        {
            errors.Add($"{Prefix}{nameof(options.MaxAge)} must be positive when set (was {options.MaxAge}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
