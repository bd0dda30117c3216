namespace Corda.HighAvailability.LeaseElection.Supervision;

/// <summary>
/// Options of <c>RunProcessWhileLeader</c>: the node process run only while this host leads, how it is stopped, and
/// the guard that kills it when this process can no longer confirm the lease. Validated at start-up against the
/// lease timings: <see cref="LeaseElectionOptions.RenewDeadline"/> + <see cref="GracePeriod"/> +
/// <see cref="SafetyMargin"/> must not exceed <see cref="LeaseElectionOptions.LeaseDuration"/>.
/// </summary>
public sealed class NodeProcessOptions
{
    /// <summary>The executable of the node, e.g. <c>/usr/bin/java</c>. Required.</summary>
    public string Command { get; set; } = string.Empty;

    /// <summary>Its arguments, passed as they are (no shell), e.g. <c>-jar</c>, <c>corda.jar</c>.</summary>
    public IList<string> Arguments { get; } = [];

    /// <summary>Working directory of the node; default: this process's.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>Environment variables added to (or, with a <see langword="null"/> value, removed from) the node's.</summary>
    public IDictionary<string, string?> Environment { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>The signal of the polite stop (Linux number). Default 15, SIGTERM.</summary>
    public int StopSignal { get; set; } = NodeSupervisionConstants.SigTerm;

    /// <summary>
    /// A command run instead of sending <see cref="StopSignal"/> (for example an RPC shutdown script); the hard kill
    /// still follows after <see cref="GracePeriod"/>. Arguments in <see cref="StopArguments"/>.
    /// </summary>
    public string? StopCommand { get; set; }

    /// <summary>Arguments of <see cref="StopCommand"/>.</summary>
    public IList<string> StopArguments { get; } = [];

    /// <summary>
    /// How long the node gets between the polite stop and SIGKILL. Default 3 s. Bounded by the lease: see
    /// <see cref="SafetyMargin"/>.
    /// </summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long before a standby could take the lease over the node must be dead at the latest. The guard kills the
    /// node at <c>start of the last confirmed renewal + LeaseDuration - SafetyMargin</c>, whatever happens to this
    /// process. Default 1 s; it must cover signal delivery and the kernel tearing the process down.
    /// </summary>
    public TimeSpan SafetyMargin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A local TCP port the node opens when it is ready (e.g. its RPC port); <see langword="null"/> for none.</summary>
    public int? ReadinessPort { get; set; }

    /// <summary>The host the readiness port is probed on. Default <c>127.0.0.1</c>.</summary>
    public string ReadinessHost { get; set; } = "127.0.0.1";

    /// <summary>Wait before the first restart after a crash; doubled for each further crash. Default 1 s.</summary>
    public TimeSpan RestartDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between restarts. Default 30 s.</summary>
    public TimeSpan MaxRestartDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many crashes within <see cref="CrashWindow"/> make the built-in <see cref="NodeCrashFailoverPolicy"/> release
    /// the lease so that a standby takes over. Default 3.
    /// </summary>
    public int MaxCrashes { get; set; } = 3;

    /// <summary>The sliding window of <see cref="MaxCrashes"/>. Default 10 minutes.</summary>
    public TimeSpan CrashWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Register the built-in <see cref="NodeCrashFailoverPolicy"/>. Default <see langword="true"/>; set
    /// <see langword="false"/> and add your own policy (reading <see cref="INodeSupervisor"/>) to replace it.
    /// </summary>
    public bool UseCrashFailoverPolicy { get; set; } = true;

    /// <summary>
    /// The executable of the guard, the dead man's switch that is the node's parent (see README, "Node supervisor").
    /// Default <c>corda-ha</c> (the tool, from PATH), run as <c>corda-ha node guard</c>.
    /// </summary>
    public string GuardCommand { get; set; } = "corda-ha";

    /// <summary>Arguments of <see cref="GuardCommand"/>. Default <c>node guard</c>.</summary>
    public IList<string> GuardArguments { get; } = ["node", "guard"];

    /// <summary>
    /// Lets the guard release the lease once it has seen the node dead after this process died, so that a standby
    /// takes over at once instead of after a lease duration. <see langword="null"/> (default): no release by the guard.
    /// The connection string travels over the guard's standard input, never on a command line.
    /// </summary>
    public NodeGuardRelease? GuardRelease { get; set; }

    /// <summary>A file the guard appends its events to (JSON lines: node started, exited, lease released); optional.</summary>
    public string? GuardLogPath { get; set; }
}
