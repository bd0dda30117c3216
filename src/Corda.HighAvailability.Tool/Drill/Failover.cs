namespace Corda.HighAvailability.Tool.Drill;

/// <summary>
/// One measured failover: from the signal to the old leader until the new leader's first committed fenced write.
/// </summary>
internal sealed record Failover(int Round, FailoverKind Kind, double Milliseconds, string From, long FromEpoch, string To, long ToEpoch)
{
    public static string KindName(FailoverKind kind) => kind.ToString().ToLowerInvariant();
}
