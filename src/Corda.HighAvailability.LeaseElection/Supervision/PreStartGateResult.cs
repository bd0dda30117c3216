namespace Corda.HighAvailability.LeaseElection.Supervision;

/// <summary>The verdict of an <see cref="IPreStartGate"/>.</summary>
public sealed class PreStartGateResult
{
    private static readonly PreStartGateResult Allowed = new(true, "allowed");

    private PreStartGateResult(bool allowed, string reason)
    {
        IsAllowed = allowed;
        Reason = reason;
    }

    /// <summary>Whether the node may start.</summary>
    public bool IsAllowed { get; }

    /// <summary>Why, for the logs.</summary>
    public string Reason { get; }

    /// <summary>The node may start.</summary>
    /// <returns>An allowing verdict.</returns>
    public static PreStartGateResult Allow() => Allowed;

    /// <summary>The node must not start.</summary>
    /// <param name="reason">Why, for the logs.</param>
    /// <returns>A refusing verdict.</returns>
    public static PreStartGateResult Refuse(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new(false, reason);
    }
}
