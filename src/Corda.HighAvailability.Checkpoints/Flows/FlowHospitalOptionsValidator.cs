using Corda.HighAvailability.Data;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Checkpoints.Flows;

/// <summary>Refuses unusable flow hospital options at start-up with messages that name the option.</summary>
internal sealed class FlowHospitalOptionsValidator : IValidateOptions<FlowHospitalOptions>
{
    private const string Prefix = nameof(FlowHospitalOptions) + ".";

    public ValidateOptionsResult Validate(string? name, FlowHospitalOptions options)
    {
        var errors = new List<string>();
        if (options.SchemaName is not null && SqlIdentifier.Check(options.SchemaName, Prefix + nameof(options.SchemaName)) is { } schemaError)
        {
            errors.Add(schemaError);
        }

        if (options.MaxTextLength is < FlowHospitalOptions.MinMaxTextLength or > FlowHospitalOptions.MaxMaxTextLength)
        {
            errors.Add($"{Prefix}{nameof(options.MaxTextLength)} must be between {FlowHospitalOptions.MinMaxTextLength} and {FlowHospitalOptions.MaxMaxTextLength} (was {options.MaxTextLength}).");
        }

        if (!NodeTimeZones.TryFind(options.NodeTimeZone, out _))
        {
            errors.Add($"{Prefix}{nameof(options.NodeTimeZone)} '{options.NodeTimeZone}' is not a time zone known to this machine (use an id such as UTC or Europe/London).");
        }

        if (options.CommandTimeout <= TimeSpan.Zero || options.CommandTimeout.TotalSeconds > int.MaxValue)
        {
            errors.Add($"{Prefix}{nameof(options.CommandTimeout)} must be positive (was {options.CommandTimeout}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
