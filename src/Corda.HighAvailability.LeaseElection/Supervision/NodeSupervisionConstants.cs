namespace Corda.HighAvailability.LeaseElection.Supervision;

/// <summary>Linux signal numbers and fixed values of the node supervisor.</summary>
internal static class NodeSupervisionConstants
{
    public const int SigKill = 9;
    public const int SigTerm = 15;
    public const int SigCont = 18;
    public const int SigStop = 19;

    /// <summary>How often the supervisor passes the latest confirmed renewal to the guard, at most.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>How often the guard compares the monotonic clock with the node's deadline.</summary>
    public static readonly TimeSpan GuardTick = TimeSpan.FromMilliseconds(20);

    /// <summary>How often the readiness port is tried.</summary>
    public static readonly TimeSpan ReadinessInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>How long the supervisor waits for a started guard to report the node started.</summary>
    public static readonly TimeSpan GuardStartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the guard, once the node is dead, waits for the rest of its output before reporting the exit. Short:
    /// the pipes reach their end as soon as the node's group is dead; only a descendant that left the group can hold
    /// them open, and it must not delay the report towards the supervisor's backstop.
    /// </summary>
    public static readonly TimeSpan OutputDrainTimeout = TimeSpan.FromSeconds(1);
}
