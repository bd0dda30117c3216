using System.CommandLine;
using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Flows;

namespace Corda.HighAvailability.Tool.Commands;

/// <summary><c>corda-ha flows list</c>: flows by status and age, oldest first.</summary>
internal static class FlowsListCommand
{
    public static Command Create()
    {
        var shared = new FlowsOptions();
        var status = FlowsOptions.Status();
        var olderThan = FlowsOptions.OlderThan();
        var limit = FlowsOptions.Limit();
        var command = new Command(
            "list",
            "List flows, oldest first, with status, age, start type, who started them and their exception. "
            + "Exit codes: 0 listed (even none); 2 usage or connection error.");
        foreach (var option in shared.Shared.Concat([status, olderThan, limit]))
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, cancellationToken) =>
        {
            var settings = shared.Settings(parse);
            var filter = new FlowsListFilter(parse.GetValue(status) ?? [], parse.GetValue(olderThan), parse.GetValue(limit));
            return CommandRunner.RunAsync(() => FlowsRunner.ListAsync(settings, filter, cancellationToken), settings.ConnectionString);
        });
        return command;
    }
}
