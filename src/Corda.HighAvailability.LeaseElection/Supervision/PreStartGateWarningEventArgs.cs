namespace Corda.HighAvailability.LeaseElection.Supervision;

/// <summary>A pre-start gate let the node start with a warning (<see cref="PreStartGateResult.AllowWithWarning"/>).</summary>
public sealed class PreStartGateWarningEventArgs : EventArgs
{
    /// <summary>Creates the event arguments.</summary>
    /// <param name="gate">The gate's type name.</param>
    /// <param name="epoch">The epoch of the grant the node is about to start under.</param>
    /// <param name="reason">What the gate found.</param>
    public PreStartGateWarningEventArgs(string gate, long epoch, string reason)
    {
        Gate = gate;
        Epoch = epoch;
        Reason = reason;
    }

    /// <summary>The gate's type name.</summary>
    public string Gate { get; }

    /// <summary>The epoch of the grant the node is about to start under.</summary>
    public long Epoch { get; }

    /// <summary>What the gate found.</summary>
    public string Reason { get; }
}
