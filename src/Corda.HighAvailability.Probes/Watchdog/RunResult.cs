namespace Corda.HighAvailability.Probes.Watchdog;

/// <summary>How one run of a watched probe ended. The names are the <c>corda_ha.watchdog.outcome</c> tag values.</summary>
internal enum RunOutcome
{
    /// <summary>The work returned, or the health check reported Healthy.</summary>
    Success,

    /// <summary>The health check reported Degraded: it answered, with a warning.</summary>
    Degraded,

    /// <summary>The work threw, or the health check reported Unhealthy.</summary>
    Failure,

    /// <summary>The run did not return within the probe timeout, or an earlier run still has not.</summary>
    Timeout,
}

/// <summary>One run of a watched probe: its outcome, how long it took, and what it said.</summary>
internal readonly record struct RunResult(RunOutcome Outcome, TimeSpan Elapsed, string? Description)
{
    public bool Failed => Outcome is RunOutcome.Failure or RunOutcome.Timeout;

    public static string OutcomeName(RunOutcome outcome) => outcome switch
    {
        RunOutcome.Success => "success",
        RunOutcome.Degraded => "degraded",
        RunOutcome.Failure => "failure",
        _ => "timeout",
    };
}
