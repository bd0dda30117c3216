namespace Corda.HighAvailability.Tool.Drill;

/// <summary>The event names of the JSON lines a candidate prints and the orchestrator reads.</summary>
internal static class CandidateEventNames
{
    public const string Leading = "leading";
    public const string Observed = "observed";
    public const string FirstWrite = "first-write";
    public const string Stopped = "stopped";
    public const string StaleWrite = "stale-write";
    public const string InFlightStarted = "inflight-started";
    public const string InFlightWrite = "inflight-write";
    public const string Belief = "belief";
    public const string PauseSeen = "pause-seen";

    /// <summary>Synthesised by the orchestrator when a candidate's output ends.</summary>
    public const string Exited = "exited";
}
