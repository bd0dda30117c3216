using System.CommandLine;

namespace Corda.HighAvailability.Tool.Commands;

/// <summary><c>corda-ha checkpoints</c>: operator commands on a Corda node's checkpoint tables.</summary>
internal static class CheckpointsCommand
{
    public static Command Create() => new("checkpoints", "Check a Corda node's checkpoint tables before a standby is promoted or a restored backup is trusted.")
    {
        CheckpointsVerifyCommand.Create(),
    };
}
