using Corda.HighAvailability.Tool.Cli;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Tool.Probe;

/// <summary>
/// Runs the rounds: every check side by side, the round printed as soon as it ends, the next one started
/// <c>--interval</c> after the previous one started (at once if a round took longer).
/// </summary>
internal static class ProbeSession
{
    /// <returns>The exit code of the worst round: a blip in any round of a watch is what the caller asked about.</returns>
    public static async Task<int> RunAsync(ProbeRequest request, IReadOnlyList<ProbeTarget> targets, ProbeRedactor redactor, TimeProvider time, CancellationToken cancellationToken)
    {
        var worst = HealthStatus.Healthy;
        for (var round = 1; round <= request.Repeat; round++)
        {
            var started = time.GetTimestamp();
            var startedAt = time.GetUtcNow();
            var outcomes = await Task.WhenAll(targets.Select(t => t.RunAsync(redactor, time, cancellationToken))).ConfigureAwait(false);
            var result = new ProbeRound(round, request.Repeat, startedAt, time.GetElapsedTime(started), outcomes);
            worst = ProbeRound.Worst([worst, result.Status]);
            if (request.Format == OutputFormat.Json)
            {
                ProbeJsonReport.Write(result);
            }
            else
            {
                ProbeTextReport.Write(result);
            }

            if (round < request.Repeat)
            {
                var wait = request.Interval - time.GetElapsedTime(started);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return ProbeExitCodes.For(worst);
    }
}
