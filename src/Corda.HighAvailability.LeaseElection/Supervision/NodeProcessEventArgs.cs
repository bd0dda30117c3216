namespace Corda.HighAvailability.LeaseElection.Supervision;

/// <summary>A change of the node process.</summary>
public sealed class NodeProcessEventArgs : EventArgs
{
    /// <summary>Creates the event arguments.</summary>
    /// <param name="processId">The node's process id.</param>
    /// <param name="epoch">The epoch of the grant the node ran under.</param>
    /// <param name="monotonicNanoseconds">When, on CLOCK_MONOTONIC (shared by every process of the host), as measured by the guard.</param>
    /// <param name="exitCode">The exit code, or 128 + signal, when the node exited.</param>
    /// <param name="reason">Why it exited: <c>exit</c> (by itself), <c>stopped</c>, <c>deadline</c>, <c>orphaned</c>, <c>backstop</c>.</param>
    public NodeProcessEventArgs(int processId, long epoch, long monotonicNanoseconds, int? exitCode = null, string? reason = null)
    {
        ProcessId = processId;
        Epoch = epoch;
        MonotonicNanoseconds = monotonicNanoseconds;
        ExitCode = exitCode;
        Reason = reason;
    }

    /// <summary>The node's process id.</summary>
    public int ProcessId { get; }

    /// <summary>The epoch of the grant the node ran under.</summary>
    public long Epoch { get; }

    /// <summary>When, on CLOCK_MONOTONIC, in nanoseconds.</summary>
    public long MonotonicNanoseconds { get; }

    /// <summary>The exit code (128 + signal when killed by a signal), for an exit.</summary>
    public int? ExitCode { get; }

    /// <summary>Why the node exited, for an exit.</summary>
    public string? Reason { get; }
}
