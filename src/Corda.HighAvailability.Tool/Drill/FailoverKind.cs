namespace Corda.HighAvailability.Tool.Drill;

/// <summary>How the drill takes a leader down in one round.</summary>
internal enum FailoverKind
{
    /// <summary>SIGKILL: the standby must wait for the lease to expire.</summary>
    Crash,

    /// <summary>SIGTERM: the leader releases the lease on its way out; the standby takes over at once.</summary>
    Graceful,

    /// <summary>SIGSTOP past the lease, then SIGCONT: the resumed leader must find its writes fenced.</summary>
    Pause,
}
