namespace Corda.HighAvailability.Tool.Cli;

/// <summary>The exit codes of corda-ha; scripts and the drill's callers rely on them, so they never change meaning.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The lease does not exist, or a release was refused because a live holder has it.</summary>
    public const int NotFoundOrRefused = 1;

    /// <summary><c>checkpoints verify</c> found defects at or above <c>--fail-on</c> (the same code as a refused lease: "the answer is no").</summary>
    public const int FindingsAtOrAboveThreshold = 1;

    /// <summary><c>flows show</c> found no flow with the id given (the same code again: "the answer is no").</summary>
    public const int FlowNotFound = 1;

    /// <summary>Bad command line, or the database could not be reached or read.</summary>
    public const int UsageOrConnection = 2;

    /// <summary>The drill saw a safety violation: overlapping writes or an accepted stale write.</summary>
    public const int SafetyViolation = 3;

    /// <summary>The drill could not run to the end: no leader appeared in time, or a candidate died unexpectedly.</summary>
    public const int DrillFailed = 4;

    /// <summary>
    /// <c>lease status --fail-on-disagreement</c>: the lease and Corda Enterprise's live mutual-exclusion row name
    /// different machines. Without the flag a disagreement is a WARNING and the exit code stays 0.
    /// </summary>
    public const int GuardsDisagree = 5;

    /// <summary>Interrupted (Ctrl+C), following the shell's 128 + SIGINT convention.</summary>
    public const int Cancelled = 130;
}
