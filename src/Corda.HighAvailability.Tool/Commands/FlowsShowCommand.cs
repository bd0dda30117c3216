using System.CommandLine;
using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Flows;

namespace Corda.HighAvailability.Tool.Commands;

/// <summary><c>corda-ha flows show FLOW_ID</c>: one flow in full, with its exception and stack trace.</summary>
internal static class FlowsShowCommand
{
    public static Command Create()
    {
        var shared = new FlowsOptions();
        var flowId = new Argument<string>("FLOW_ID") { Description = "The flow id (the UUID in node_checkpoints.flow_id)." };
        var command = new Command(
            "show",
            "Show one flow: status, metadata, progress step, what it is suspended on, and its exception with the stack trace. "
            + "Exit codes: 0 shown; 1 no such flow; 2 usage or connection error.")
        {
            flowId,
        };
        foreach (var option in shared.Shared)
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, cancellationToken) =>
        {
            var settings = shared.Settings(parse);
            return CommandRunner.RunAsync(() => FlowsRunner.ShowAsync(settings, parse.GetRequiredValue(flowId), cancellationToken), settings.ConnectionString);
        });
        return command;
    }
}
