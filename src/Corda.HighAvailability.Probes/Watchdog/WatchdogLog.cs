using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Corda.HighAvailability.Probes.Watchdog;

/// <summary>The watchdog's log messages (event ids 3200-3219; the Artemis probes use 3100-3199): status transitions, and runs that hang.</summary>
internal static partial class WatchdogLog
{
    [LoggerMessage(EventId = 3200, Level = LogLevel.Warning, Message = "Watchdog: probe '{Probe}' is now {Status} (was {Previous}): {Reason}")]
    public static partial void ProbeWorse(ILogger logger, string probe, HealthStatus status, HealthStatus previous, string reason);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Watchdog: probe '{Probe}' is now {Status} (was {Previous}): {Reason}")]
    public static partial void ProbeBetter(ILogger logger, string probe, HealthStatus status, HealthStatus previous, string reason);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Information, Message = "Watchdog: probe '{Probe}' judged {Status} on its first run: {Reason}")]
    public static partial void ProbeFirst(ILogger logger, string probe, HealthStatus status, string reason);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Warning, Message = "Watchdog: the verdict is now {Status} (was {Previous}).")]
    public static partial void VerdictWorse(ILogger logger, HealthStatus status, string previous);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Information, Message = "Watchdog: the verdict is now {Status} (was {Previous}).")]
    public static partial void VerdictBetter(ILogger logger, HealthStatus status, string previous);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Debug, Message = "Watchdog: probe '{Probe}' run ended {Outcome} in {ElapsedMs:0.##} ms: {Description}")]
    public static partial void RunFailed(ILogger logger, string probe, string outcome, double elapsedMs, string? description);

    [LoggerMessage(EventId = 3206, Level = LogLevel.Warning, Message = "Watchdog: probe '{Probe}' has not returned a period after its {TimeoutSeconds:0.###} s timeout (it ignores its cancellation); it is not run again until it returns, and each round counts it as a timeout.")]
    public static partial void RunLeftBehind(ILogger logger, string probe, double timeoutSeconds);

    [LoggerMessage(EventId = 3207, Level = LogLevel.Information, Message = "Watchdog: probe '{Probe}' returned {ElapsedSeconds:0.#} s after it started, long after its timeout.")]
    public static partial void RunReturned(ILogger logger, string probe, double elapsedSeconds);

    [LoggerMessage(EventId = 3208, Level = LogLevel.Error, Message = "Watchdog: a round failed; the next runs on schedule.")]
    public static partial void RoundFailed(ILogger logger, Exception exception);
}
