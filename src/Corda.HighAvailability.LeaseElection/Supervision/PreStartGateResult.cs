namespace Corda.HighAvailability.LeaseElection.Supervision;

/// <summary>The verdict of an <see cref="IPreStartGate"/>.</summary>
public sealed class PreStartGateResult
{
    private static readonly PreStartGateResult Allowed = new(true, false, "allowed");

    private PreStartGateResult(bool allowed, bool warning, string reason)
    {
        IsAllowed = allowed;
        IsWarning = warning;
        Reason = reason;
    }

    /// <summary>Whether the node may start.</summary>
    public bool IsAllowed { get; }

    /// <summary>
    /// Whether the node may start although the gate found something the operator must hear about; the supervisor
    /// logs <see cref="Reason"/> as a warning and raises <see cref="INodeSupervisor.PreStartGateWarned"/>.
    /// </summary>
    public bool IsWarning { get; }

    /// <summary>Why, for the logs.</summary>
    public string Reason { get; }

    /// <summary>The node may start.</summary>
    /// <returns>An allowing verdict.</returns>
    public static PreStartGateResult Allow() => Allowed;

    /// <summary>The node may start, but the supervisor warns first.</summary>
    /// <param name="reason">What the gate found, for the logs and <see cref="INodeSupervisor.PreStartGateWarned"/>.</param>
    /// <returns>An allowing verdict that carries a warning.</returns>
    public static PreStartGateResult AllowWithWarning(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new(true, true, reason);
    }

    /// <summary>The node must not start.</summary>
    /// <param name="reason">Why, for the logs.</param>
    /// <returns>A refusing verdict.</returns>
    public static PreStartGateResult Refuse(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new(false, false, reason);
    }
}
