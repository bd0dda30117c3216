namespace Corda.HighAvailability.Tool.Drill;

/// <summary>
/// The election timings the drill derives from its lease duration, in client-go's proportions (15/10/2 s):
/// renew deadline 2/3 of the lease, renew period lease/7.5.
/// </summary>
internal static class DrillTimings
{
    public static TimeSpan RenewDeadline(TimeSpan leaseDuration) => leaseDuration * 2 / 3;

    public static TimeSpan RetryPeriod(TimeSpan leaseDuration) => leaseDuration / 7.5;

    /// <summary>How long any single wait of the drill may take before it is declared failed.</summary>
    public static TimeSpan WaitBound(TimeSpan leaseDuration) => leaseDuration * 10;

    /// <summary>How often a leading candidate makes a fenced write.</summary>
    public static readonly TimeSpan DefaultWriteInterval = TimeSpan.FromMilliseconds(50);
}
