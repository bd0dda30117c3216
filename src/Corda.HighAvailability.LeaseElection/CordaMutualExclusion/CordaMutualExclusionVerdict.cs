namespace Corda.HighAvailability.LeaseElection.CordaMutualExclusion;

/// <summary>How this library's lease and Corda's mutual-exclusion row relate.</summary>
public enum CordaMutualExclusionVerdict
{
    /// <summary>Both guards are active and name the same machine.</summary>
    Agree = 0,

    /// <summary>Both guards are active and name different machines: two hosts each think they are active.</summary>
    Disagree = 1,

    /// <summary>Corda's row is absent or stale, so Corda's guard says nothing (for example when it is turned off).</summary>
    CordaGuardInactive = 2,

    /// <summary>Corda's row is live but nobody holds this library's lease: a node runs without a lease holder.</summary>
    LeaseVacant = 3,

    /// <summary>Both guards are active, but the lease holder recorded no machine name, so they cannot be compared.</summary>
    Undetermined = 4,
}
