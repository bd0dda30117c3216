using System.CommandLine;
using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Flows;

namespace Corda.HighAvailability.Tool.Commands;

/// <summary><c>corda-ha flows summary</c>: counts by status and the age of the oldest flow of each.</summary>
internal static class FlowsSummaryCommand
{
    public static Command Create()
    {
        var shared = new FlowsOptions();
        var command = new Command(
            "summary",
            "Count flows by status (runnable, failed, completed, hospitalized, killed, paused) with the age of the oldest of each. "
            + "Exit codes: 0 summarised; 2 usage or connection error.");
        foreach (var option in shared.Shared)
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, cancellationToken) =>
        {
            var settings = shared.Settings(parse);
            return CommandRunner.RunAsync(() => FlowsRunner.SummaryAsync(settings, cancellationToken), settings.ConnectionString);
        });
        return command;
    }
}
