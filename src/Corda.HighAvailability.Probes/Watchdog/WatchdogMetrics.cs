using System.Diagnostics.Metrics;
using Corda.HighAvailability.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Probes.Watchdog;

/// <summary>The watchdog's instruments, on the shared <c>Corda.HighAvailability</c> meter.</summary>
internal sealed class WatchdogMetrics
{
    public const string DurationName = "corda_ha.watchdog.probe.duration";
    public const string FailuresName = "corda_ha.watchdog.probe.failures";
    public const string StatusName = "corda_ha.watchdog.status";
    public const string ActivityName = "corda_ha.watchdog.probe";
    public const string ProbeTag = "corda_ha.watchdog.probe";
    public const string KindTag = "corda_ha.watchdog.probe.kind";
    public const string OutcomeTag = "corda_ha.watchdog.outcome";

    private readonly Meter _meter;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _failures;

    public WatchdogMetrics(CordaHaInstrumentation instrumentation)
    {
        ArgumentNullException.ThrowIfNull(instrumentation);
        _meter = instrumentation.Meter;
        _duration = _meter.CreateHistogram<double>(
            DurationName, "s", "Duration of the watchdog's probe runs, by probe, kind and outcome (success, degraded, failure, timeout).");
        _failures = _meter.CreateCounter<long>(
            FailuresName, "{failure}", "Watchdog probe runs that failed or timed out, by probe, kind and outcome.");
    }

    public void Ran(string probe, string kind, RunResult run)
    {
        var outcome = RunResult.OutcomeName(run.Outcome);
        _duration.Record(run.Elapsed.TotalSeconds, new(ProbeTag, probe), new(KindTag, kind), new(OutcomeTag, outcome));
        if (run.Failed)
        {
            _failures.Add(1, new(ProbeTag, probe), new(KindTag, kind), new(OutcomeTag, outcome));
        }
    }

    /// <summary>
    /// Publishes the status gauge: one measurement per judged probe (tagged with its name) and one for the overall
    /// verdict (untagged); 0 healthy, 1 degraded, 2 unhealthy, so that higher is worse.
    /// </summary>
    public void ObserveStatus(Func<WatchdogVerdict> verdict) =>
        _meter.CreateObservableGauge(StatusName, () => Measure(verdict()), "{status}",
            "The watchdog's status per probe (tag corda_ha.watchdog.probe) and overall (no tag): 0 healthy, 1 degraded, 2 unhealthy.");

    public static int Value(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => 0,
        HealthStatus.Degraded => 1,
        _ => 2,
    };

    private static IEnumerable<Measurement<int>> Measure(WatchdogVerdict verdict)
    {
        foreach (var probe in verdict.Probes)
        {
            if (probe.Status is { } status)
            {
                yield return new Measurement<int>(Value(status), new KeyValuePair<string, object?>(ProbeTag, probe.Name));
            }
        }

        if (verdict.Status is { } overall)
        {
            yield return new Measurement<int>(Value(overall));
        }
    }
}
