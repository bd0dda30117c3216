using System.CommandLine;

namespace Corda.HighAvailability.Tool.Commands;

/// <summary><c>corda-ha lease</c>: operator commands on one lease row.</summary>
internal static class LeaseCommand
{
    public static Command Create() => new("lease", "Inspect or release a lease, or print the lease table's DDL.")
    {
        LeaseStatusCommand.Create(),
        LeaseReleaseCommand.Create(),
        LeaseSchemaCommand.Create(),
    };
}
