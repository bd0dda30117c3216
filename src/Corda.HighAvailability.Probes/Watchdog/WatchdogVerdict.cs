using Corda.HighAvailability.Probes.Internal;
using Corda.HighAvailability.Probes.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Probes.Watchdog;

/// <summary>
/// The watchdog's verdict after a round: the worst status of its probes (<see langword="null"/> until every probe has
/// been judged once), each probe's verdict, and the health check data, built once per round so that polls are cheap.
/// </summary>
internal sealed class WatchdogVerdict
{
    public WatchdogVerdict(IReadOnlyList<ProbeVerdict> probes)
    {
        Probes = probes;
        Status = probes.Count == 0 || probes.Any(p => p.Status is null) ? null : probes.Min(p => p.Status!.Value);
        Data = BuildData(probes);
    }

    public HealthStatus? Status { get; }

    public IReadOnlyList<ProbeVerdict> Probes { get; }

    public IReadOnlyDictionary<string, object> Data { get; }

    public HealthCheckResult ToResult(HealthStatus failureStatus)
    {
        if (Status is not { } status)
        {
            return new HealthCheckResult(
                failureStatus,
                "The watchdog has not judged yet: its first round has not finished (it runs when the host starts).",
                data: Data);
        }

        if (status == HealthStatus.Healthy)
        {
            var names = string.Join(", ", Probes.Select(p => $"'{p.Name}'"));
            return HealthCheckResult.Healthy($"Every watched probe is healthy: {names}.", Data);
        }

        var problems = string.Join(" ", Probes
            .Where(p => p.Status != HealthStatus.Healthy)
            .OrderBy(p => p.Status)
            .Select(p => $"'{p.Name}' is {ProbeMetrics.StatusName(p.Status!.Value)}: {p.Reason}"));

        // As the probes do: a registration whose failure status is Degraded (or better) never reports worse than that.
        var reported = status == HealthStatus.Unhealthy
            ? failureStatus
            : failureStatus > HealthStatus.Degraded ? failureStatus : HealthStatus.Degraded;
        return new HealthCheckResult(reported, problems, data: Data);
    }

    private static Dictionary<string, object> BuildData(IReadOnlyList<ProbeVerdict> probes)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var probe in probes)
        {
            var prefix = probe.Name + ".";
            data[prefix + "status"] = probe.Status is { } status ? ProbeMetrics.StatusName(status) : "not-judged";
            data[prefix + "samples"] = probe.Window.Samples;
            data[prefix + "failures"] = probe.Window.Failures;
            data[prefix + "consecutiveFailures"] = probe.ConsecutiveFailures;
            if (probe.Window.P50 is { } p50)
            {
                data[prefix + "p50Ms"] = ProbeReport.Milliseconds(p50);
            }

            if (probe.Window.P99 is { } p99)
            {
                data[prefix + "p99Ms"] = ProbeReport.Milliseconds(p99);
            }

            if (probe.LastRun is { } run)
            {
                data[prefix + "lastOutcome"] = RunResult.OutcomeName(run.Outcome);
                data[prefix + "lastMs"] = ProbeReport.Milliseconds(run.Elapsed);
            }
        }

        data["probes"] = probes.Count;
        return data;
    }
}
