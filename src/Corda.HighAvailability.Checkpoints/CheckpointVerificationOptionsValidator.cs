using Corda.HighAvailability.Checkpoints.Rules;
using Corda.HighAvailability.Data;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Checkpoints;

/// <summary>Refuses unusable options at start-up with messages that name the option.</summary>
internal sealed class CheckpointVerificationOptionsValidator(IEnumerable<ICheckpointRule> rules) : IValidateOptions<CheckpointVerificationOptions>
{
    private const string Prefix = nameof(CheckpointVerificationOptions) + ".";

    public ValidateOptionsResult Validate(string? name, CheckpointVerificationOptions options)
    {
        var errors = new List<string>();
        if (options.MaxInflatedBytes <= 0)
        {
            errors.Add($"{Prefix}{nameof(options.MaxInflatedBytes)} must be positive (was {options.MaxInflatedBytes}).");
        }

        if (options.MaxBlobBytes <= 0 || options.MaxBlobBytes > Array.MaxLength)
        {
            errors.Add($"{Prefix}{nameof(options.MaxBlobBytes)} must be between 1 and {Array.MaxLength} (was {options.MaxBlobBytes}).");
        }

        if (options.Parallelism is < 1 or > CheckpointVerificationOptions.MaxParallelism)
        {
            errors.Add($"{Prefix}{nameof(options.Parallelism)} must be between 1 and {CheckpointVerificationOptions.MaxParallelism} (was {options.Parallelism}).");
        }

        if (options.MaxReportedFindings < 0)
        {
            errors.Add($"{Prefix}{nameof(options.MaxReportedFindings)} must not be negative (was {options.MaxReportedFindings}).");
        }

        if (options.ProgressInterval < 1)
        {
            errors.Add($"{Prefix}{nameof(options.ProgressInterval)} must be positive (was {options.ProgressInterval}).");
        }

        if (!Enum.IsDefined(options.ChecksumMismatchSeverity))
        {
            errors.Add($"{Prefix}{nameof(options.ChecksumMismatchSeverity)} must be {nameof(FindingSeverity.Error)} or {nameof(FindingSeverity.Warning)} (was {(int)options.ChecksumMismatchSeverity}).");
        }

        if (options.SchemaName is not null && SqlIdentifier.Check(options.SchemaName, Prefix + nameof(options.SchemaName)) is { } schemaError)
        {
            errors.Add(schemaError);
        }

        var known = rules.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var unknown = options.DisabledRules.Where(id => !known.Contains(id)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            errors.Add($"{Prefix}{nameof(options.DisabledRules)} names rules that are not registered: {string.Join(", ", unknown)} (known: {string.Join(", ", known.Order(StringComparer.Ordinal))}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
