namespace Corda.HighAvailability.LeaseElection.Supervision;

/// <summary>
/// The node process run while this host leads (<c>RunProcessWhileLeader</c>): its state, its recent crashes (for
/// failover policies), and events. Registered as a singleton.
/// </summary>
public interface INodeSupervisor
{
    /// <summary>The node's process id while it runs, else <see langword="null"/>.</summary>
    int? ProcessId { get; }

    /// <summary>Whether the node runs and its readiness port answered (true as soon as it runs when no port is set).</summary>
    bool IsReady { get; }

    /// <summary>
    /// When the node crashed recently while this host led, as <see cref="TimeProvider.GetTimestamp"/> values of the
    /// elector's clock, oldest first (the last 32).
    /// </summary>
    IReadOnlyList<long> RecentCrashes { get; }

    /// <summary>Raised after the node started.</summary>
    event EventHandler<NodeProcessEventArgs>? ProcessStarted;

    /// <summary>Raised once the readiness port answered.</summary>
    event EventHandler<NodeProcessEventArgs>? ProcessReady;

    /// <summary>Raised after the node exited (stopped, killed, or crashed), once its exit was confirmed.</summary>
    event EventHandler<NodeProcessEventArgs>? ProcessExited;

    /// <summary>Raised when a pre-start gate let the node start with a warning, just before the node starts.</summary>
    event EventHandler<PreStartGateWarningEventArgs>? PreStartGateWarned;
}
