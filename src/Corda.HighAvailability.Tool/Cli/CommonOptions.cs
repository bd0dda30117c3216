using System.CommandLine;
using System.CommandLine.Parsing;
using Corda.HighAvailability.Tool.Providers;

namespace Corda.HighAvailability.Tool.Cli;

/// <summary>Option factories shared by the commands, so every command spells and validates them the same way.</summary>
internal static class CommonOptions
{
    public const string DefaultLeaseName = Corda.HighAvailability.LeaseElection.LeaseElectionConstants.DefaultLeaseName;

    /// <summary>
    /// The one <c>--provider</c> option: it accepts every name in <see cref="ProviderTable"/>, but only the providers
    /// that have <paramref name="capability"/> pass; the others, and unknown names, are usage errors that name the
    /// providers that work.
    /// </summary>
    public static Option<ProviderKind> Provider(ProviderCapability capability, bool required, ProviderKind fallback = ProviderKind.Sqlite)
    {
        var choices = ProviderTable.Choices(capability);
        var option = new Option<ProviderKind>("--provider", "-p")
        {
            Description = $"Database provider: {choices}.",
            Required = required,
            HelpName = choices,
            CustomParser = result => ParseProvider(result, capability),
        };
        if (!required)
        {
            option.DefaultValueFactory = _ => fallback;
        }

        return option;
    }

    /// <summary><c>--connection</c>, its description followed by an example for each provider that has <paramref name="capability"/>.</summary>
    public static Option<string> Connection(bool required, string description, ProviderCapability capability) => new("--connection", "-c")
    {
        Description = $"{description} Examples: {ProviderTable.Examples(capability)}.",
        Required = required,
        HelpName = "connection-string",
    };

    public static Option<string> Lease(string fallback = DefaultLeaseName) => new("--lease", "-l")
    {
        Description = "Lease name (the row key).",
        DefaultValueFactory = _ => fallback,
        HelpName = "name",
    };

    public static Option<string?> Table() => new("--table")
    {
        Description = "Lease table name. Default: the provider's default (corda_ha_lease).",
        HelpName = "name",
    };

    public static Option<OutputFormat> Format() => new("--format", "-f")
    {
        Description = "Output: text (for people) or json (one object, for scripts).",
        DefaultValueFactory = _ => OutputFormat.Text,
        HelpName = "text|json",
        CustomParser = ParseFormat,
    };

    public static Option<TimeSpan> Duration(string name, string description, TimeSpan fallback) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
        HelpName = "duration",
        CustomParser = ParseDuration,
    };

    public static Option<int> Count(string name, string description, int fallback, int minimum, int maximum) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
        HelpName = "n",

        // A parser, not a validator: a validator that reads the value throws when the text is not a number.
        CustomParser = result =>
        {
            var text = SingleToken(result);
            if (!int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value))
            {
                result.AddError($"{name} must be a whole number between {minimum} and {maximum} (was '{text}').");
                return default;
            }

            if (value < minimum || value > maximum)
            {
                result.AddError($"{name} must be between {minimum} and {maximum} (was {value}).");
            }

            return value;
        },
    };

    private static ProviderKind ParseProvider(ArgumentResult result, ProviderCapability capability)
    {
        var text = SingleToken(result);
        if (!ProviderTable.TryParse(text, out var provider))
        {
            result.AddError($"Unknown provider '{text}'; known providers: {ProviderTable.Known()}; this command takes {ProviderTable.Choices(capability)}.");
            return default;
        }

        if (!provider.Supports(capability))
        {
            result.AddError($"--provider {provider.Name}: {provider.NotAvailableMessage(capability)}");
            return default;
        }

        return provider.Kind;
    }

    private static OutputFormat ParseFormat(ArgumentResult result)
    {
        var text = SingleToken(result);
        switch (text?.ToLowerInvariant())
        {
            case "text":
                return OutputFormat.Text;
            case "json":
                return OutputFormat.Json;
            default:
                result.AddError($"Unknown --format '{text}'; use text or json.");
                return default;
        }
    }

    private static TimeSpan ParseDuration(ArgumentResult result)
    {
        var text = SingleToken(result);
        if (DurationParser.TryParse(text, out var value))
        {
            return value;
        }

        result.AddError($"Invalid duration '{text}' for {OptionName(result)}; use e.g. 2s, 1500ms or 00:00:02.");
        return default;
    }

    private static string? SingleToken(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;

    private static string OptionName(ArgumentResult result) => result.Parent is OptionResult option ? option.Option.Name : "the option";
}
