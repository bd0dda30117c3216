namespace Corda.HighAvailability.LeaseElection.Supervision;

/// <summary>
/// What the supervisor tells a guard in the first line of its standard input (JSON): the node's command line, how to
/// stop it, and, optionally, how to release the supervisor's grant once the node is dead after the supervisor died.
/// Never on a command line: the connection string may hold a password.
/// </summary>
internal sealed class GuardConfig
{
    public string Command { get; set; } = string.Empty;

    public List<string> Arguments { get; set; } = [];

    public int StopSignal { get; set; } = NodeSupervisionConstants.SigTerm;

    public string? StopCommand { get; set; }

    public List<string> StopArguments { get; set; } = [];

    public long GraceMs { get; set; }

    public string? LogPath { get; set; }

    public long Epoch { get; set; }

    public GuardReleaseConfig? Release { get; set; }
}

/// <summary>The supervisor's grant and store, for the guard's release after the supervisor died.</summary>
internal sealed class GuardReleaseConfig
{
    public string Provider { get; set; } = string.Empty;

    public string ConnectionString { get; set; } = string.Empty;

    public string? TableName { get; set; }

    public string LeaseName { get; set; } = string.Empty;

    public string HolderId { get; set; } = string.Empty;

    public long Epoch { get; set; }
}
