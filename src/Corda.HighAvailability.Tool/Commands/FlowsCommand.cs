using System.CommandLine;

namespace Corda.HighAvailability.Tool.Commands;

/// <summary><c>corda-ha flows</c>: a read-only view of a Corda 4.6+ node's flows and its flow hospital.</summary>
internal static class FlowsCommand
{
    public static Command Create() => new("flows", "See a Corda 4.6+ node's flows from its checkpoint tables (read-only; the node may be down): which are stuck, since when, and why.")
    {
        FlowsListCommand.Create(),
        FlowsShowCommand.Create(),
        FlowsSummaryCommand.Create(),
    };
}
