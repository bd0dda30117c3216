using System.CommandLine;
using System.CommandLine.Invocation;
using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Commands;

namespace Corda.HighAvailability.Tool;

/// <summary>Entry point of <c>corda-ha</c>.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand(
            "corda-ha: operate Corda.HighAvailability lease election, verify checkpoint tables, view flows, and probe a node's endpoints and storage. Exit codes: 0 success; "
            + "1 lease missing, release refused, checkpoint findings at or above --fail-on, or no such flow (flows show); "
            + "2 usage or connection error; 3 the drill saw a safety violation; 4 the drill could not complete; "
            + "5 lease status --fail-on-disagreement: the lease and Corda Enterprise's live node_mutual_exclusion row name different machines "
            + "(without the flag, a WARNING and exit code 0). "
            + "probe: 0 Healthy, 1 Degraded, 2 Unhealthy, 3 usage error.")
        {
            LeaseCommand.Create(),
            CheckpointsCommand.Create(),
            FlowsCommand.Create(),
            DrillCommand.Create(),
            DrillCandidateCommand.Create(),
            ProbeCommand.Create(),
            NodeCommand.Create(),
        };

        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            // One line on stderr and exit code 2, instead of the library's help dump and exit code 1.
            var problems = string.Join(" ", parse.Errors.Select(e => e.Message));
            if (ProbeCommand.Owns(parse))
            {
                return ProbeCommand.UsageError(problems);
            }

            return CommandRunner.Fail(ExitCodes.UsageOrConnection, $"{problems} See 'corda-ha --help'.");
        }

        var configuration = new InvocationConfiguration
        {
            EnableDefaultExceptionHandler = false,
            // A drill candidate and 'node run' are generic hosts that handle SIGTERM/SIGINT themselves (graceful stop
            // and lease release); elsewhere Ctrl+C cancels the command's token and the command cleans up within the timeout.
            ProcessTerminationTimeout = parse.CommandResult.Command.Name is DrillCandidateCommand.Name or NodeCommand.RunName ? null : TimeSpan.FromSeconds(10),
        };

        try
        {
            return await parse.InvokeAsync(configuration).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Commands catch their own failures; this is the last guard against a stack trace on the console.
            return CommandRunner.Fail(ExitCodes.UsageOrConnection, $"Unexpected error ({ex.GetType().Name}): {ex.Message}");
        }
    }
}
