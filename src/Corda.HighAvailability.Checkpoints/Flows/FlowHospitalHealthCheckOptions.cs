namespace Corda.HighAvailability.Checkpoints.Flows;

/// <summary>
/// When <c>AddCordaFlowHospital</c> reports its failure status (Degraded by default). Validated when the host starts:
/// counts not negative, <see cref="MaxAge"/> positive when set.
/// </summary>
public sealed class FlowHospitalHealthCheckOptions
{
    /// <summary>The most HOSPITALIZED flows tolerated; one more degrades the check. Default 0.</summary>
    public long MaxHospitalized { get; set; }

    /// <summary>The most PAUSED flows tolerated; one more degrades the check. Default 0.</summary>
    public long MaxPaused { get; set; }

    /// <summary>
    /// The oldest a HOSPITALIZED or PAUSED flow may be (from its start) before the check degrades, even within the
    /// counts; <see langword="null"/> (default) for no age limit.
    /// </summary>
    public TimeSpan? MaxAge { get; set; }
}
