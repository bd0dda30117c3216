using Corda.HighAvailability.Probes.Internal;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Probes.JournalStorage;

/// <summary>Refuses unusable <see cref="JournalStorageProbeOptions"/> at start-up with messages that name the option.</summary>
internal sealed class JournalStorageProbeOptionsValidator : IValidateOptions<JournalStorageProbeOptions>
{
    private const string Prefix = nameof(JournalStorageProbeOptions) + ".";

    public ValidateOptionsResult Validate(string? name, JournalStorageProbeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DirectoryPath))
        {
            errors.Add($"{Prefix}{nameof(options.DirectoryPath)} is required (the broker's journal directory).");
        }
        else if (options.DirectoryPath.Any(char.IsControl) || !Path.IsPathFullyQualified(options.DirectoryPath))
        {
            errors.Add($"{Prefix}{nameof(options.DirectoryPath)} must be an absolute path (was '{ProbeOptionChecks.Printable(options.DirectoryPath)}').");
        }

        if (options.BlockSize is < 1 or > JournalStorageProbeOptions.MaxBlockSize)
        {
            errors.Add($"{Prefix}{nameof(options.BlockSize)} must be 1-{JournalStorageProbeOptions.MaxBlockSize} bytes (was {options.BlockSize}).");
        }

        if (options.LatencyBudget < TimeSpan.Zero)
        {
            errors.Add($"{Prefix}{nameof(options.LatencyBudget)} must not be negative (was {options.LatencyBudget}).");
        }

        if (options.LatencySamples is < 1 or > JournalStorageProbeOptions.MaxLatencySamples)
        {
            errors.Add($"{Prefix}{nameof(options.LatencySamples)} must be 1-{JournalStorageProbeOptions.MaxLatencySamples} (was {options.LatencySamples}).");
        }

        if (options.MinimumFreeBytes < 0)
        {
            errors.Add($"{Prefix}{nameof(options.MinimumFreeBytes)} must not be negative (was {options.MinimumFreeBytes}).");
        }

        ProbeOptionChecks.Timeout(errors, Prefix + nameof(options.Timeout), options.Timeout);
        if (string.IsNullOrWhiteSpace(options.ServerLockFileName)
            || options.ServerLockFileName.IndexOfAny(['/', '\\']) >= 0
            || options.ServerLockFileName is "." or ".."
            || options.ServerLockFileName.Any(char.IsControl))
        {
            errors.Add($"{Prefix}{nameof(options.ServerLockFileName)} must be a file name inside the directory (was '{ProbeOptionChecks.Printable(options.ServerLockFileName ?? string.Empty)}').");
        }

        if (options.ExpectedNodeId is { } nodeId && NormalizeNodeId(nodeId) is null)
        {
            errors.Add($"{Prefix}{nameof(options.ExpectedNodeId)} must be a node ID of 32 hex digits, with or without dashes (was '{ProbeOptionChecks.Printable(nodeId)}').");
        }

        if (!Enum.IsDefined(options.ServerLockExpectation))
        {
            errors.Add($"{Prefix}{nameof(options.ServerLockExpectation)} must be Any, Held or NotHeld (was {(int)options.ServerLockExpectation}).");
        }
        else if (options.ServerLockExpectation != ServerLockExpectation.Any && !options.InspectServerLock)
        {
            errors.Add($"{Prefix}{nameof(options.ServerLockExpectation)} is {options.ServerLockExpectation} but {Prefix}{nameof(options.InspectServerLock)} is false: nothing would check it.");
        }

        if (options.ExpectedNodeId is not null && !options.InspectServerLock)
        {
            errors.Add($"{Prefix}{nameof(options.ExpectedNodeId)} is set but {Prefix}{nameof(options.InspectServerLock)} is false: nothing would check it.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>The node ID as Artemis prints it (lower-case 8-4-4-4-12), or <see langword="null"/> when it is not one.</summary>
    public static string? NormalizeNodeId(string value)
    {
        var hex = value.Replace("-", string.Empty, StringComparison.Ordinal).Trim().ToLowerInvariant();
        return hex.Length == 32 && hex.All(char.IsAsciiHexDigit)
            ? $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}"
            : null;
    }
}
