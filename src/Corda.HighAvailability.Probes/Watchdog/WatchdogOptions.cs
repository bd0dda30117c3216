namespace Corda.HighAvailability.Probes.Watchdog;

/// <summary>
/// Options of the watchdog: what it watches, how often, the window it judges, the thresholds, and the hysteresis that
/// keeps one slow or failed run from flipping its verdict.
/// </summary>
public sealed class WatchdogOptions
{
    /// <summary>The default of <see cref="Period"/>: 10 s.</summary>
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromSeconds(10);

    /// <summary>The default of <see cref="ProbeTimeout"/>: 5 s.</summary>
    public static readonly TimeSpan DefaultProbeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The default of <see cref="WindowDuration"/>: 5 minutes.</summary>
    public static readonly TimeSpan DefaultWindowDuration = TimeSpan.FromMinutes(5);

    /// <summary>The default of <see cref="DegradedLatency"/>: 1 s.</summary>
    public static readonly TimeSpan DefaultDegradedLatency = TimeSpan.FromSeconds(1);

    /// <summary>The default of <see cref="WindowSize"/>: 20 runs.</summary>
    public const int DefaultWindowSize = 20;

    /// <summary>The largest <see cref="WindowSize"/> accepted.</summary>
    public const int MaxWindowSize = 10_000;

    /// <summary>
    /// Registered health checks (by registration name) the watchdog runs. A name that is not registered fails the
    /// host at start. The watchdog's own verdict check is never watched.
    /// </summary>
    public ISet<string> HealthChecks { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Registered health checks the watchdog runs, selected by tag: every registration with one of these tags.</summary>
    public ISet<string> HealthCheckTags { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>How often every watched probe runs; default 10 s. The first round runs when the host starts.</summary>
    public TimeSpan Period { get; set; } = DefaultPeriod;

    /// <summary>
    /// How long one run may take before it counts as a failure (outcome <c>timeout</c>); default 5 s, at most
    /// <see cref="Period"/>. A run that ignores its cancellation is left behind, and the probe is not run again
    /// (each period counts as a failure) until it returns.
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = DefaultProbeTimeout;

    /// <summary>How many of the latest runs of each probe the window keeps; default 20, 1-10000.</summary>
    public int WindowSize { get; set; } = DefaultWindowSize;

    /// <summary>Runs older than this leave the window, so that old failures stop counting; default 5 minutes, at least <see cref="Period"/>.</summary>
    public TimeSpan WindowDuration { get; set; } = DefaultWindowDuration;

    /// <summary>
    /// The window must hold this many runs before its failure ratio and median latency are judged (single runs are
    /// always judged); default 5, 1-<see cref="WindowSize"/>.
    /// </summary>
    public int MinimumSamples { get; set; } = 5;

    /// <summary>A run slower than this, or a window whose median (p50) is, judges Degraded; default 1 s.</summary>
    public TimeSpan DegradedLatency { get; set; } = DefaultDegradedLatency;

    /// <summary>
    /// A run slower than this judges Unhealthy; default none (<see langword="null"/>). When set, it must exceed
    /// <see cref="DegradedLatency"/> and not exceed <see cref="ProbeTimeout"/>.
    /// </summary>
    public TimeSpan? UnhealthyLatency { get; set; }

    /// <summary>A window whose share of failed runs is at least this judges Degraded; default 0.2.</summary>
    public double DegradedFailureRatio { get; set; } = 0.2;

    /// <summary>A window whose share of failed runs is at least this judges Unhealthy; default 0.5, at least <see cref="DegradedFailureRatio"/>.</summary>
    public double UnhealthyFailureRatio { get; set; } = 0.5;

    /// <summary>
    /// A probe's status gets worse only after this many consecutive judgements worse than it (so a failed run counts
    /// as Unhealthy only when this many fail in a row); default 3, at least 1. It then takes the best of them.
    /// </summary>
    public int WorsenAfter { get; set; } = 3;

    /// <summary>
    /// A probe's status gets better only after this many consecutive judgements better than it; default 3, at least
    /// 1. It then takes the worst of them.
    /// </summary>
    public int RecoverAfter { get; set; } = 3;
}
