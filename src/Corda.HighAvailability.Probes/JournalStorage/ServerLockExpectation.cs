namespace Corda.HighAvailability.Probes.JournalStorage;

/// <summary>What the journal probe expects of the broker's <c>server.lock</c> locks.</summary>
public enum ServerLockExpectation
{
    /// <summary>Report the lock in the data and description only; it never changes the status. The default.</summary>
    Any = 0,

    /// <summary>
    /// A live broker holds the primary lock (byte 1): use it on the active host. Unhealthy when nothing holds it,
    /// Degraded when that cannot be determined from this machine.
    /// </summary>
    Held = 1,

    /// <summary>
    /// No process holds any lock on it: use it before starting a broker on this journal (on a standby). Unhealthy
    /// when one does, Degraded when that cannot be determined from this machine.
    /// </summary>
    NotHeld = 2,
}
