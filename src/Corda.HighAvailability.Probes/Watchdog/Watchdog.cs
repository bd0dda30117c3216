using System.Diagnostics;
using Corda.HighAvailability.Diagnostics;
using Corda.HighAvailability.Probes.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Probes.Watchdog;

/// <summary>
/// Runs every watched probe once per round, all at once and each on the thread pool, so that slow or blocking user
/// code delays neither the others nor the loop; waits for them at most <see cref="WatchdogOptions.ProbeTimeout"/>;
/// judges each run and publishes the verdict, which the health check then returns without running anything.
/// </summary>
internal sealed class Watchdog
{
    private readonly WatchdogOptions _options;
    private readonly TimeProvider _time;
    private readonly WatchdogMetrics _metrics;
    private readonly ActivitySource _activities;
    private readonly ILogger _logger;
    private readonly WatchedProbe[] _probes;
    private readonly ProbeJudge[] _judges;
    private WatchdogVerdict _verdict;

    public Watchdog(
        IOptions<WatchdogOptions> options,
        IOptions<HealthCheckServiceOptions> healthChecks,
        IEnumerable<WorkProbeRegistration> workProbes,
        IEnumerable<WatchdogVerdictRegistration> verdicts,
        IServiceProvider services,
        TimeProvider time,
        CordaHaInstrumentation instrumentation,
        WatchdogMetrics metrics,
        ILogger<Watchdog>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(healthChecks);
        ArgumentNullException.ThrowIfNull(instrumentation);

        // Reading the options runs the validator: unusable options throw here, naming the option.
        _options = options.Value;
        _time = time;
        _metrics = metrics;
        _activities = instrumentation.ActivitySource;
        _logger = logger ?? NullLogger<Watchdog>.Instance;

        var own = verdicts.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        var checks = WatchdogSelection.Select(_options, healthChecks.Value.Registrations, own).Select(r => r.Name).ToList();
        var probes = new List<WatchedProbe>();
        if (checks.Count > 0)
        {
            var service = services.GetService<HealthCheckService>()
                ?? throw new InvalidOperationException("The watchdog watches health checks but none are registered: call services.AddHealthChecks().");
            probes.AddRange(checks.Select(name => WatchedProbe.ForHealthCheck(name, service, time)));
        }

        probes.AddRange(workProbes.Select(w => WatchedProbe.ForWork(w, services, time)));
        _probes = [.. probes];
        _judges = [.. _probes.Select(p => new ProbeJudge(p.Name, p.Kind, _options, time))];
        _verdict = new WatchdogVerdict([.. _judges.Select(j => j.Unjudged())]);
        metrics.ObserveStatus(() => Verdict);
    }

    /// <summary>The verdict of the latest round.</summary>
    public WatchdogVerdict Verdict => Volatile.Read(ref _verdict);

    /// <summary>Whether no run is in flight, not even one left behind at its timeout.</summary>
    public bool IsIdle => _probes.All(p => p.InFlight is null or { IsCompleted: true });

    /// <summary>
    /// Runs one round. Returns after every probe has returned or <see cref="WatchdogOptions.ProbeTimeout"/> has passed
    /// on the host's clock, whichever is first; the deadline is armed before this method first yields.
    /// </summary>
    public async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        using var deadline = new CancellationTokenSource(_options.ProbeTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, stoppingToken);
        var runs = new Task<RunResult>?[_probes.Length];
        for (var i = 0; i < _probes.Length; i++)
        {
            runs[i] = Start(_probes[i], linked.Token);
        }

        var started = runs.OfType<Task<RunResult>>().ToArray();
        try
        {
            await Task.WhenAll(started).WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The deadline: what has not returned by now has timed out.
        }

        stoppingToken.ThrowIfCancellationRequested();
        var now = _time.GetTimestamp();
        var verdicts = new ProbeVerdict[_probes.Length];
        for (var i = 0; i < _probes.Length; i++)
        {
            verdicts[i] = Judge(_probes[i], _judges[i], runs[i], now);
        }

        var previous = Verdict;
        var verdict = new WatchdogVerdict(verdicts);
        Volatile.Write(ref _verdict, verdict);
        LogVerdict(previous.Status, verdict.Status);
    }

    private Task<RunResult>? Start(WatchedProbe probe, CancellationToken token)
    {
        if (probe.InFlight is { IsCompleted: false })
        {
            // Still running a whole period after its deadline: it ignores its cancellation (blocked user code, a hung mount).
            if (!probe.HungLogged)
            {
                probe.HungLogged = true;
                WatchdogLog.RunLeftBehind(_logger, probe.Name, _options.ProbeTimeout.TotalSeconds);
            }

            return null;
        }

        if (probe.HungLogged && probe.InFlight is { } returned)
        {
            WatchdogLog.RunReturned(_logger, probe.Name, returned.Result.Elapsed.TotalSeconds);
        }

        probe.HungLogged = false;
        probe.InFlightSince = _time.GetTimestamp();

        // On the thread pool: a probe whose synchronous part blocks must not hold up the loop or the others.
        probe.InFlight = Task.Run(() => RunTracedAsync(probe, token), CancellationToken.None);
        return probe.InFlight;
    }

    private async Task<RunResult> RunTracedAsync(WatchedProbe probe, CancellationToken token)
    {
        using var activity = _activities.StartActivity(WatchdogMetrics.ActivityName, ActivityKind.Internal);
        activity?.SetTag(WatchdogMetrics.ProbeTag, probe.Name);
        activity?.SetTag(WatchdogMetrics.KindTag, probe.Kind);
        var result = await probe.RunAsync(token).ConfigureAwait(false);
        activity?.SetTag(WatchdogMetrics.OutcomeTag, RunResult.OutcomeName(result.Outcome));
        if (result.Failed)
        {
            activity?.SetStatus(ActivityStatusCode.Error, result.Description);
        }

        return result;
    }

    private ProbeVerdict Judge(WatchedProbe probe, ProbeJudge judge, Task<RunResult>? run, long now)
    {
        RunResult result;
        if (run is null)
        {
            var hung = _time.GetElapsedTime(probe.InFlightSince, now);
            result = new RunResult(RunOutcome.Timeout, hung,
                $"A run started {ProbeReport.FormatTimeSpan(hung)} ago has not returned; the probe is not run again until it does.");
        }
        else if (run.IsCompletedSuccessfully)
        {
            result = run.Result;
        }
        else
        {
            result = new RunResult(RunOutcome.Timeout, _options.ProbeTimeout,
                $"No answer within {nameof(WatchdogOptions.ProbeTimeout)} ({ProbeReport.FormatTimeSpan(_options.ProbeTimeout)}).");
        }

        _metrics.Ran(probe.Name, probe.Kind, result);
        if (result.Outcome != RunOutcome.Success)
        {
            WatchdogLog.RunFailed(_logger, probe.Name, RunResult.OutcomeName(result.Outcome), ProbeReport.Milliseconds(result.Elapsed), result.Description);
        }

        var verdict = judge.Record(now, result);
        LogProbe(verdict);
        return verdict;
    }

    private void LogProbe(ProbeVerdict verdict)
    {
        if (verdict.Status is not { } status || status == verdict.Previous)
        {
            return;
        }

        if (verdict.Previous is not { } previous)
        {
            WatchdogLog.ProbeFirst(_logger, verdict.Name, status, verdict.Reason);
        }
        else if (status < previous)
        {
            WatchdogLog.ProbeWorse(_logger, verdict.Name, status, previous, verdict.Reason);
        }
        else
        {
            WatchdogLog.ProbeBetter(_logger, verdict.Name, status, previous, verdict.Reason);
        }
    }

    private void LogVerdict(HealthStatus? previous, HealthStatus? status)
    {
        if (status is not { } now || now == previous)
        {
            return;
        }

        var was = previous?.ToString() ?? "not judged";
        if (previous is { } before && now < before)
        {
            WatchdogLog.VerdictWorse(_logger, now, was);
        }
        else
        {
            WatchdogLog.VerdictBetter(_logger, now, was);
        }
    }
}
