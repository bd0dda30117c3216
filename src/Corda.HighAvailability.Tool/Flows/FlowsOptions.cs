using System.CommandLine;
using System.CommandLine.Parsing;
using Corda.HighAvailability.Checkpoints.Flows;
using Corda.HighAvailability.Checkpoints.Rules;
using Corda.HighAvailability.Tool.Checkpoints;
using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Providers;

namespace Corda.HighAvailability.Tool.Flows;

/// <summary>The options of the <c>flows</c> commands: the shared database options, then the list filters.</summary>
internal sealed class FlowsOptions
{
    public Option<ProviderKind> Provider { get; } = CommonOptions.Provider(ProviderCapability.CheckpointVerification, required: true);

    public Option<string> Connection { get; } = CommonOptions.Connection(
        true, "Connection string of the node database (the node may be running or down; nothing is written). Never printed.", ProviderCapability.CheckpointVerification);

    public Option<OutputFormat> Format { get; } = CommonOptions.Format();

    public Option<string?> Schema { get; } = CheckpointOptions.Schema();

    public Option<string> NodeTimeZone { get; } = TimeZone();

    public Option<int> MaxText { get; } = CommonOptions.Count(
        "--max-text", "Most characters of an exception message or stack trace shown; longer ones are cut and flagged.",
        FlowHospitalOptions.DefaultMaxTextLength, FlowHospitalOptions.MinMaxTextLength, FlowHospitalOptions.MaxMaxTextLength);

    public IEnumerable<Option> Shared => [Provider, Connection, Format, Schema, NodeTimeZone, MaxText];

    public FlowsSettings Settings(ParseResult parse) => new(
        parse.GetValue(Provider),
        parse.GetRequiredValue(Connection),
        parse.GetValue(Format),
        parse.GetValue(Schema),
        parse.GetValue(NodeTimeZone)!,
        parse.GetValue(MaxText));

    public static Option<IReadOnlyList<CheckpointFlowStatus>> Status() => new("--status", "-s")
    {
        Description = "Only flows in these statuses (comma-separated or repeated): runnable, failed, completed, hospitalized, killed, paused. Default: all.",
        HelpName = "status[,status]",
        AllowMultipleArgumentsPerToken = false,
        DefaultValueFactory = _ => [],
        CustomParser = ParseStatuses,
    };

    public static Option<TimeSpan?> OlderThan() => new("--older-than")
    {
        Description = "Only flows started longer ago than this, e.g. 1h, 30m, 2d.",
        HelpName = "duration",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
            if (FlowDuration.TryParse(text, out var value) && value >= TimeSpan.Zero)
            {
                return value;
            }

            result.AddError($"Invalid duration '{text}' for --older-than; use e.g. 90s, 30m, 1h or 2d.");
            return null;
        },
    };

    public static Option<int> Limit() => CommonOptions.Count("--limit", "Most flows listed, oldest first.", 1000, 1, 1_000_000);

    private static Option<string> TimeZone()
    {
        var option = new Option<string>("--node-time-zone")
        {
            Description = "Time zone of the node's JVM, in which Corda stores its zone-less timestamps (e.g. Europe/London).",
            DefaultValueFactory = _ => "UTC",
            HelpName = "zone",
        };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            try
            {
                _ = TimeZoneInfo.FindSystemTimeZoneById(value);
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
            {
                result.AddError($"--node-time-zone '{value}' is not a time zone known to this machine.");
            }
        });
        return option;
    }

    private static IReadOnlyList<CheckpointFlowStatus> ParseStatuses(ArgumentResult result)
    {
        var statuses = new List<CheckpointFlowStatus>();
        foreach (var name in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (FlowNames.TryParseStatus(name, out var status))
            {
                statuses.Add(status);
            }
            else
            {
                result.AddError($"Unknown --status '{name}'; use {string.Join(", ", Enum.GetValues<CheckpointFlowStatus>().Select(FlowNames.Status))}.");
            }
        }

        return statuses;
    }
}
