using System.CommandLine;
using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Drill;
using Corda.HighAvailability.Tool.Providers;
using Microsoft.Extensions.Hosting;

namespace Corda.HighAvailability.Tool.Commands;

/// <summary>
/// <c>corda-ha drill-candidate</c> (hidden): one candidate of the drill, started by <c>corda-ha drill</c> or by tests.
/// It reports on stdout as JSON lines and stops gracefully on SIGTERM, releasing the lease.
/// </summary>
internal static class DrillCandidateCommand
{
    public const string Name = "drill-candidate";

    /// <summary>Where the orchestrator passes the connection string, so that it never shows in process listings.</summary>
    public const string ConnectionVariable = "CORDA_HA_DRILL_CONNECTION";

    public static Command Create()
    {
        var provider = CommonOptions.Provider(ProviderCapability.LeaseElection, required: false);
        var connection = CommonOptions.Connection(false, $"Connection string; default: the {ConnectionVariable} environment variable.", ProviderCapability.LeaseElection);
        var lease = CommonOptions.Lease("corda-ha-drill");
        var table = CommonOptions.Table();
        var identity = new Option<string>("--identity") { Description = "Unique identity of this candidate.", Required = true };
        var duration = CommonOptions.Duration("--lease-duration", "Lease duration.", TimeSpan.FromSeconds(2));
        var interval = CommonOptions.Duration("--write-interval", "Pause between fenced writes while leading.", DrillTimings.DefaultWriteInterval);
        var sample = new Option<bool>("--sample-belief") { Description = "Sample IsLeader every millisecond and report belief intervals and any claim after a pause (tests)." };
        var command = new Command(Name, "Run one drill candidate (used by 'corda-ha drill').")
        {
            Hidden = true,
        };
        foreach (var option in new Option[] { provider, connection, lease, table, identity, duration, interval, sample })
        {
            command.Options.Add(option);
        }

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
                    var settings = new CandidateSettings(
                        kind,
                        connectionString,
                        parse.GetRequiredValue(lease),
                        parse.GetValue(table),
                        parse.GetRequiredValue(identity),
                        parse.GetValue(duration),
                        parse.GetValue(interval),
                        parse.GetValue(sample));
                    using var host = CandidateHost.Build(settings);
                    // The host owns SIGTERM/SIGINT (see Program): they stop it gracefully, and the lease is released.
                    await host.RunAsync().ConfigureAwait(false);
                    return ExitCodes.Success;
                },
                connectionString);
        });
        return command;
    }
}
