using System.CommandLine;
using System.CommandLine.Parsing;
using Corda.HighAvailability.Checkpoints;
using Corda.HighAvailability.LeaseElection.Supervision;
using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Node;
using Corda.HighAvailability.Tool.Providers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Tool.Commands;

/// <summary>
/// <c>corda-ha node run</c>: run a node process only while this host holds the lease, through a guard (the dead
/// man's switch, <c>corda-ha node guard</c>, hidden); <c>node stand-in</c> (hidden) is the test stand-in node.
/// </summary>
internal static class NodeCommand
{
    public const string RunName = "run";

    /// <summary>Where the connection string may be passed instead of <c>--connection</c>, so it never shows in process listings.</summary>
    public const string ConnectionVariable = "CORDA_HA_CONNECTION";

    /// <summary>The stand-in node's connection string (inherited from the supervisor).</summary>
    public const string StandInConnectionVariable = "CORDA_HA_STANDIN_CONNECTION";

    public static Command Create() => new("node", "Run a Corda node only while this host holds the lease.")
    {
        CreateRun(),
        CreateGuard(),
        CreateStandIn(),
    };

    private static Command CreateRun()
    {
        var provider = CommonOptions.Provider(ProviderCapability.LeaseElection, required: true);
        var connection = CommonOptions.Connection(false, $"Connection string of the lease database; default: the {ConnectionVariable} environment variable.", ProviderCapability.LeaseElection);
        var lease = CommonOptions.Lease();
        var table = CommonOptions.Table();
        var identity = new Option<string?>("--identity") { Description = "Unique identity of this candidate. Default: machine/pid/random.", HelpName = "id" };
        var duration = CommonOptions.Duration("--lease-duration", "Lease duration; a crashed host's node is replaced after about this long.", TimeSpan.FromSeconds(15));
        var renew = new Option<TimeSpan?>("--renew-deadline")
        {
            Description = "Renew deadline. Default: 2/3 of the lease, shortened so that renew deadline + grace + safety margin fit in the lease.",
            HelpName = "duration",
            CustomParser = result => DurationParser.TryParse(result.Tokens.Count > 0 ? result.Tokens[^1].Value : null, out var value) ? value : Invalid(result),
        };
        var grace = CommonOptions.Duration("--grace", "Time between the polite stop and SIGKILL.", TimeSpan.FromSeconds(3));
        var margin = CommonOptions.Duration("--safety-margin", "The node is dead at least this long before the lease can lapse.", TimeSpan.FromSeconds(1));
        var port = new Option<int?>("--readiness-port") { Description = "Local TCP port the node opens when ready (e.g. its RPC port).", HelpName = "port" };
        var signal = CommonOptions.Count("--stop-signal", "Signal of the polite stop (Linux number).", NodeSupervisionConstantsForTool.SigTerm, 1, 64);
        var verify = VerifyCheckpoints();
        var createSchema = new Option<bool>("--create-schema") { Description = "Create the lease table if it is missing (development)." };
        var noRelease = new Option<bool>("--no-guard-release") { Description = "Do not let the guard release the lease after this process died (standbys then wait a whole lease)." };
        var guardLog = new Option<string?>("--guard-log") { Description = "File the guard appends node start/exit events to (JSON lines).", HelpName = "path" };
        var events = new Option<bool>("--events") { Description = "Write leadership and node events as JSON lines on stdout.", Hidden = true };
        var maxCrashes = CommonOptions.Count("--max-crashes", "Crashes within --crash-window after which the lease is released.", 3, 1, 1000);
        var window = CommonOptions.Duration("--crash-window", "Window of --max-crashes.", TimeSpan.FromMinutes(10));
        var restart = CommonOptions.Duration("--restart-delay", "First wait before restarting a crashed node; doubles per crash.", TimeSpan.FromSeconds(1));
        var nodeCommand = new Argument<string[]>("command") { Description = "The node's command line, after --: e.g. -- java -jar corda.jar", Arity = ArgumentArity.OneOrMore };
        var command = new Command(RunName, "Run the node (the command after --) only while this host holds the lease; a guard kills it before the lease can lapse.");
        foreach (var option in new Option[] { provider, connection, lease, table, identity, duration, renew, grace, margin, port, signal, verify, createSchema, noRelease, guardLog, events, maxCrashes, window, restart })
        {
            command.Options.Add(option);
        }

        command.Arguments.Add(nodeCommand);
        command.SetAction(parse =>
        {
            var connectionString = parse.GetValue(connection) ?? Environment.GetEnvironmentVariable(ConnectionVariable);
            return CommandRunner.RunAsync(
                async () =>
                {
                    if (string.IsNullOrWhiteSpace(connectionString))
                    {
                        throw new ToolException(ExitCodes.UsageOrConnection, $"No connection string: pass --connection or set {ConnectionVariable}.");
                    }

                    var kind = parse.GetValue(provider);
                    var verifyMode = parse.GetValue(verify);
                    if (verifyMode != CheckpointGateMode.Off && ProviderTable.Get(kind).Checkpoints is null)
                    {
                        throw new ToolException(ExitCodes.UsageOrConnection, $"--verify-checkpoints: {ProviderTable.Get(kind).NotAvailableMessage(ProviderCapability.CheckpointVerification)}");
                    }

                    var settings = new NodeRunSettings(
                        kind,
                        connectionString,
                        parse.GetRequiredValue(lease),
                        parse.GetValue(table),
                        parse.GetValue(identity),
                        parse.GetValue(duration),
                        parse.GetValue(renew),
                        parse.GetValue(grace),
                        parse.GetValue(margin),
                        parse.GetValue(port),
                        parse.GetValue(signal),
                        verifyMode,
                        FindingSeverity.Error,
                        parse.GetValue(createSchema),
                        !parse.GetValue(noRelease),
                        parse.GetValue(guardLog),
                        parse.GetValue(events),
                        parse.GetValue(maxCrashes),
                        parse.GetValue(window),
                        parse.GetValue(restart),
                        parse.GetRequiredValue(nodeCommand));
                    if (settings.RenewDeadline is null && settings.EffectiveRenewDeadline < settings.LeaseDuration / 5)
                    {
                        // Derived, the renew deadline is what is left of the lease after the grace and the margin.
                        throw new ToolException(
                            ExitCodes.UsageOrConnection,
                            $"--grace {settings.GracePeriod} + --safety-margin {settings.SafetyMargin} leave too little of --lease-duration {settings.LeaseDuration} for renewals: "
                            + "the node's hard kill must land before the lease can lapse. Lengthen --lease-duration or shorten --grace.");
                    }

                    using var host = NodeRunHost.Build(settings);
                    try
                    {
                        // The host owns SIGTERM/SIGINT (see Program): the node is stopped, then the lease released.
                        await host.RunAsync().ConfigureAwait(false);
                    }
                    catch (OptionsValidationException ex)
                    {
                        throw new ToolException(ExitCodes.UsageOrConnection, string.Join(" ", ex.Failures), ex);
                    }

                    return ExitCodes.Success;
                },
                connectionString);
        });
        return command;
    }

    private static Command CreateGuard()
    {
        var command = new Command("guard", "The dead man's switch between 'node run' and the node (started by 'node run').") { Hidden = true };
        command.SetAction((_, cancellationToken) => NodeGuard.RunAsync(
            Console.In,
            Console.Out,
            Console.Error,
            release => ProviderTable.TryParse(release.Provider, out var entry)
                ? entry.RequireLease().CreateStore(release.ConnectionString, release.TableName)
                : throw new InvalidOperationException($"Unknown provider '{release.Provider}'."),
            cancellationToken));
        return command;
    }

    private static Command CreateStandIn()
    {
        var provider = CommonOptions.Provider(ProviderCapability.LeaseElection, required: true);
        var holder = new Option<string>("--holder") { Description = "Name written with each heartbeat (the pid is appended).", Required = true };
        var port = new Option<int>("--port") { Description = "TCP port to open on 127.0.0.1.", Required = true };
        var interval = CommonOptions.Duration("--interval", "Pause between heartbeats.", TimeSpan.FromMilliseconds(20));
        var crash = new Option<TimeSpan?>("--crash-after")
        {
            Description = "Exit with code 3 after this long.",
            CustomParser = result => DurationParser.TryParse(result.Tokens.Count > 0 ? result.Tokens[^1].Value : null, out var value) ? value : Invalid(result),
        };
        var command = new Command("stand-in", "A stand-in node for tests: heartbeats into the database and opens a port.") { Hidden = true };
        foreach (var option in new Option[] { provider, holder, port, interval, crash })
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, cancellationToken) =>
        {
            var connectionString = Environment.GetEnvironmentVariable(StandInConnectionVariable);
            return CommandRunner.RunAsync(
                () => string.IsNullOrWhiteSpace(connectionString)
                    ? throw new ToolException(ExitCodes.UsageOrConnection, $"Set {StandInConnectionVariable}.")
                    : StandInNode.RunAsync(parse.GetValue(provider), connectionString, parse.GetRequiredValue(holder), parse.GetValue(port), parse.GetValue(interval), parse.GetValue(crash), cancellationToken),
                connectionString);
        });
        return command;
    }

    /// <summary>
    /// <c>--verify-checkpoints [refuse|warn]</c>: one option with an optional value rather than a second mode option,
    /// so a bare <c>--verify-checkpoints</c> keeps refusing and there is no mode without verification to reject.
    /// </summary>
    private static Option<CheckpointGateMode> VerifyCheckpoints() => new("--verify-checkpoints")
    {
        Description = "Verify the node's checkpoint tables before every start (postgres, sqlserver). On errors: refuse (default) keeps the node down "
            + "and releases the lease; warn logs the findings as a warning and starts the node anyway.",
        HelpName = "refuse|warn",
        Arity = ArgumentArity.ZeroOrOne,

        // No DefaultValueFactory: with one, a bare --verify-checkpoints would get the default instead of reaching the
        // parser. Absent, the option reads as default(CheckpointGateMode), which is Off.
        CustomParser = result =>
        {
            if (result.Parent is OptionResult { Implicit: true })
            {
                return CheckpointGateMode.Off;
            }

            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
            switch (text?.Trim().ToLowerInvariant())
            {
                case null or "refuse":
                    return CheckpointGateMode.Refuse;
                case "warn":
                    return CheckpointGateMode.Warn;
                default:
                    result.AddError($"Unknown --verify-checkpoints '{text}'; use refuse or warn (no value refuses).");
                    return CheckpointGateMode.Off;
            }
        },
    };

    private static TimeSpan? Invalid(ArgumentResult result)
    {
        result.AddError($"Invalid duration for {(result.Parent as OptionResult)?.Option.Name}; use e.g. 2s or 1500ms.");
        return null;
    }

    /// <summary>The library keeps its signal numbers internal; SIGTERM is 15 on Linux.</summary>
    private static class NodeSupervisionConstantsForTool
    {
        public const int SigTerm = 15;
    }
}
