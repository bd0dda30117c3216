using System.Globalization;
using Corda.HighAvailability.Probes.Internal;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Probes.Watchdog;

/// <summary>
/// Turns the runs of one probe into its status. Each run is judged on its own (failed: Unhealthy; slower than
/// <see cref="WatchdogOptions.DegradedLatency"/>: Degraded) and with its window (failure ratio, median latency). The
/// status follows those judgements with hysteresis: it gets worse only after <see cref="WatchdogOptions.WorsenAfter"/>
/// consecutive worse judgements and better only after <see cref="WatchdogOptions.RecoverAfter"/> consecutive better
/// ones, so one slow or failed run never flips it. Used from the watchdog's loop only.
/// </summary>
internal sealed class ProbeJudge
{
    private readonly WatchdogOptions _options;
    private readonly SampleWindow _window;
    private HealthStatus? _status;
    private int _streak;
    private HealthStatus _streakBound;
    private int _consecutiveFailures;
    private string _reason = "Not run yet.";

    public ProbeJudge(string name, string kind, WatchdogOptions options, TimeProvider time)
    {
        Name = name;
        Kind = kind;
        _options = options;
        _window = new SampleWindow(options.WindowSize, options.WindowDuration, time);
    }

    public string Name { get; }

    /// <summary><c>health_check</c> or <c>work</c>, the <c>corda_ha.watchdog.probe.kind</c> tag value.</summary>
    public string Kind { get; }

    /// <summary>The status after hysteresis; <see langword="null"/> until the first run is judged.</summary>
    public HealthStatus? Status => _status;

    /// <summary>Records a run, judges it and moves the status if the hysteresis allows; returns the new verdict.</summary>
    public ProbeVerdict Record(long timestamp, RunResult run)
    {
        _window.Add(timestamp, run);
        _consecutiveFailures = run.Failed ? _consecutiveFailures + 1 : 0;
        var summary = _window.Summarize(timestamp);
        // A first run is often slow for reasons that do not last (JIT, connection set-up, cold caches): whether it
        // answered sets the first status, its latency does not.
        var (judged, reason) = Judge(run, summary, judgeLatency: _status is not null);
        var previous = _status;
        Follow(judged);
        if (_status == judged || _status != previous)
        {
            _reason = reason;
        }

        return new ProbeVerdict(
            Name, Kind, _status, previous, judged, _reason, summary, _consecutiveFailures, run);
    }

    /// <summary>The verdict of a probe that has not run yet.</summary>
    public ProbeVerdict Unjudged() =>
        new(Name, Kind, null, null, null, _reason, default, 0, null);

    private void Follow(HealthStatus judged)
    {
        if (_status is not { } current)
        {
            // Nothing to flap from: the first run sets the status.
            _status = judged;
            return;
        }

        if (judged == current)
        {
            _streak = 0;
            return;
        }

        var worse = judged < current;
        var streakWorse = _streakBound < current;
        if (_streak == 0 || worse != streakWorse)
        {
            _streak = 0;
            _streakBound = judged;
        }

        _streak++;

        // Worse: the best judgement of the streak (D, U, D moves Healthy to Degraded); better: the worst of it.
        _streakBound = worse ? (HealthStatus)Math.Max((int)_streakBound, (int)judged) : (HealthStatus)Math.Min((int)_streakBound, (int)judged);
        if (_streak >= (worse ? _options.WorsenAfter : _options.RecoverAfter))
        {
            _status = _streakBound;
            _streak = 0;
        }
    }

    private (HealthStatus Status, string Reason) Judge(RunResult run, WindowSummary summary, bool judgeLatency)
    {
        var unhealthy = new List<string>();
        var degraded = new List<string>();
        if (run.Failed)
        {
            unhealthy.Add(run.Description ?? "The run failed.");
        }
        else if (judgeLatency && _options.UnhealthyLatency is { } limit && run.Elapsed > limit)
        {
            unhealthy.Add($"The last run took {ProbeReport.FormatMilliseconds(run.Elapsed)}, above {nameof(WatchdogOptions.UnhealthyLatency)} ({ProbeReport.FormatTimeSpan(limit)}).");
        }
        else if (judgeLatency && run.Elapsed > _options.DegradedLatency)
        {
            degraded.Add($"The last run took {ProbeReport.FormatMilliseconds(run.Elapsed)}, above {nameof(WatchdogOptions.DegradedLatency)} ({ProbeReport.FormatTimeSpan(_options.DegradedLatency)}).");
        }

        if (run.Outcome == RunOutcome.Degraded)
        {
            degraded.Add(run.Description ?? "The health check reported Degraded.");
        }

        if (summary.Samples >= _options.MinimumSamples)
        {
            var failures = string.Create(CultureInfo.InvariantCulture, $"{summary.Failures} of the last {summary.Samples} runs failed");
            if (summary.FailureRatio >= _options.UnhealthyFailureRatio)
            {
                unhealthy.Add($"{failures} ({nameof(WatchdogOptions.UnhealthyFailureRatio)} {_options.UnhealthyFailureRatio.ToString(CultureInfo.InvariantCulture)}).");
            }
            else if (summary.FailureRatio >= _options.DegradedFailureRatio)
            {
                degraded.Add($"{failures} ({nameof(WatchdogOptions.DegradedFailureRatio)} {_options.DegradedFailureRatio.ToString(CultureInfo.InvariantCulture)}).");
            }

            if (summary.P50 is { } p50 && p50 > _options.DegradedLatency)
            {
                degraded.Add($"The median run takes {ProbeReport.FormatMilliseconds(p50)}, above {nameof(WatchdogOptions.DegradedLatency)} ({ProbeReport.FormatTimeSpan(_options.DegradedLatency)}).");
            }
        }

        if (unhealthy.Count > 0)
        {
            return (HealthStatus.Unhealthy, string.Join(" ", unhealthy));
        }

        return degraded.Count > 0
            ? (HealthStatus.Degraded, string.Join(" ", degraded))
            : (HealthStatus.Healthy, summary.P50 is { } median
                ? $"Median run {ProbeReport.FormatMilliseconds(median)}, p99 {ProbeReport.FormatMilliseconds(summary.P99!.Value)}."
                : "Healthy.");
    }
}

/// <summary>
/// One probe's verdict after a run: its status (<see langword="null"/> before the first run), the status before, the
/// last judgement and its reason, the window, and the run.
/// </summary>
internal sealed record ProbeVerdict(
    string Name,
    string Kind,
    HealthStatus? Status,
    HealthStatus? Previous,
    HealthStatus? Judged,
    string Reason,
    WindowSummary Window,
    int ConsecutiveFailures,
    RunResult? LastRun);
