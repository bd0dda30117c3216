namespace Corda.HighAvailability.LeaseElection;

/// <summary>
/// Defaults and limits of lease election, in one place; the README justifies each. The names that provider
/// packages and tools share are public; the rest is internal.
/// </summary>
public static class LeaseElectionConstants
{
    /// <summary>client-go's default: a standby waits this long after the last renewal before taking over.</summary>
    internal static readonly TimeSpan DefaultLeaseDuration = TimeSpan.FromSeconds(15);

    /// <summary>client-go's default: the leader gives up (self-fences) if no renewal succeeded for this long.</summary>
    internal static readonly TimeSpan DefaultRenewDeadline = TimeSpan.FromSeconds(10);

    /// <summary>client-go's default: the renew cadence of the leader and the retry cadence after errors.</summary>
    internal static readonly TimeSpan DefaultRetryPeriod = TimeSpan.FromSeconds(2);

    /// <summary>How long a stopping leader waits for leader-only work to finish before it releases the lease.</summary>
    internal static readonly TimeSpan DefaultReleaseTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Default lease name: hosts that compete for the same node share it.</summary>
    public const string DefaultLeaseName = "corda-node";

    /// <summary>Default lease table name in every provider.</summary>
    public const string DefaultTableName = "corda_ha_lease";

    /// <summary>Longest lease name and holder id accepted (the column widths of the DDL).</summary>
    internal const int MaxLeaseNameLength = 200;

    /// <summary>Longest holder id accepted.</summary>
    internal const int MaxIdentityLength = 255;

    /// <summary>How many transitions a policy context remembers, for flap damping.</summary>
    internal const int TransitionHistoryLength = 32;

    /// <summary>The shortest wait between attempts, so that a busy row never turns the loop into a spin.</summary>
    internal static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(10);
}
