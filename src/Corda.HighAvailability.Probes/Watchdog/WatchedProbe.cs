using Corda.HighAvailability.Probes.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Probes.Watchdog;

/// <summary>
/// One thing the watchdog runs: a registered health check (through <see cref="HealthCheckService"/>, so that its
/// registration's timeout and failure status apply) or a user's work probe (in a scope of its own). Running never
/// throws: every ending is a <see cref="RunResult"/>.
/// </summary>
internal sealed class WatchedProbe
{
    public const string HealthCheckKind = "health_check";
    public const string WorkKind = "work";

    private readonly Func<CancellationToken, Task<RunResult>> _run;
    private readonly TimeProvider _time;

    private WatchedProbe(string name, string kind, Func<CancellationToken, Task<RunResult>> run, TimeProvider time)
    {
        Name = name;
        Kind = kind;
        _run = run;
        _time = time;
    }

    public string Name { get; }

    public string Kind { get; }

    /// <summary>The latest run, still running when it was left behind at its timeout.</summary>
    public Task<RunResult>? InFlight { get; set; }

    /// <summary>When the run left behind started, to say how long it has been hung.</summary>
    public long InFlightSince { get; set; }

    /// <summary>Whether <see cref="InFlight"/> was logged as hung (its return is then logged too).</summary>
    public bool HungLogged { get; set; }

    public static WatchedProbe ForHealthCheck(string name, HealthCheckService service, TimeProvider time) =>
        new(name, HealthCheckKind, async token =>
        {
            var report = await service.CheckHealthAsync(r => string.Equals(r.Name, name, StringComparison.Ordinal), token).ConfigureAwait(false);
            if (!report.Entries.TryGetValue(name, out var entry))
            {
                return new RunResult(RunOutcome.Failure, TimeSpan.Zero, $"The health check '{name}' is no longer registered.");
            }

            var outcome = entry.Status switch
            {
                HealthStatus.Healthy => RunOutcome.Success,
                HealthStatus.Degraded => RunOutcome.Degraded,
                _ => RunOutcome.Failure,
            };
            return new RunResult(outcome, TimeSpan.Zero, entry.Description ?? entry.Exception?.Message);
        }, time);

    public static WatchedProbe ForWork(WorkProbeRegistration registration, IServiceProvider services, TimeProvider time) =>
        new(registration.Name, WorkKind, async token =>
        {
            var scope = services.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                await registration.Run(scope.ServiceProvider, token).ConfigureAwait(false);
            }

            return new RunResult(RunOutcome.Success, TimeSpan.Zero, null);
        }, time);

    /// <summary>Runs once, timed on the host's clock; <paramref name="cancellationToken"/> is the round's deadline or the host's stop.</summary>
    public async Task<RunResult> RunAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        try
        {
            var result = await _run(cancellationToken).ConfigureAwait(false);
            return result with { Elapsed = _time.GetElapsedTime(started) };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new RunResult(RunOutcome.Timeout, _time.GetElapsedTime(started), "Cancelled at its timeout.");
        }
#pragma warning disable CA1031 // Whatever the user's probe throws is its failure, not the watchdog's.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return new RunResult(RunOutcome.Failure, _time.GetElapsedTime(started), $"{e.GetType().Name}: {ProbeOptionChecks.Printable(e.Message)}");
        }
    }
}
