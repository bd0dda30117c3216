using System.CommandLine;
using System.CommandLine.Parsing;
using Corda.HighAvailability.Checkpoints;
using Corda.HighAvailability.Data;

namespace Corda.HighAvailability.Tool.Checkpoints;

/// <summary>Option factories of <c>checkpoints verify</c> that the shared <c>CommonOptions</c> do not cover.</summary>
internal static class CheckpointOptions
{
    public static Option<FindingSeverity> FailOn() => new("--fail-on")
    {
        Description = "Lowest severity that makes the exit code 1: error (default; warnings are reported but pass) or warning.",
        DefaultValueFactory = _ => FindingSeverity.Error,
        HelpName = "error|warning",
        CustomParser = result =>
        {
            var text = SingleToken(result);
            switch (text?.Trim().ToLowerInvariant())
            {
                case "error":
                    return FindingSeverity.Error;
                case "warning":
                    return FindingSeverity.Warning;
                default:
                    result.AddError($"Unknown --fail-on '{text}'; use error or warning.");
                    return default;
            }
        },
    };

    public static Option<string?> Schema()
    {
        var option = new Option<string?>("--schema")
        {
            Description = "Schema holding Corda's tables. Default: the provider's (public on PostgreSQL, dbo on SQL Server).",
            HelpName = "name",
        };

        // Identifiers are spliced into the SELECTs, so refuse anything but a plain identifier at parse time.
        option.Validators.Add(result =>
        {
            if (SqlIdentifier.Check(result.GetValueOrDefault<string?>(), "--schema") is { } error)
            {
                result.AddError(error);
            }
        });
        return option;
    }

    public static Option<long> MaxInflatedBytes()
    {
        var option = new Option<long>("--max-inflated-bytes")
        {
            Description = "Most bytes one blob may decode to over all its compression layers (67108864 = 64 MiB); beyond it: blob-size-limit.",
            DefaultValueFactory = _ => CheckpointVerificationOptions.DefaultMaxInflatedBytes,
            HelpName = "bytes",
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long>() <= 0)
            {
                result.AddError($"--max-inflated-bytes must be positive (was {result.GetValueOrDefault<long>()}).");
            }
        });
        return option;
    }

    public static Option<bool> NoProgress() => new("--no-progress")
    {
        Description = "Never draw the progress bar (it is drawn on stderr only when stderr is a terminal).",
    };

    private static string? SingleToken(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
}
