using Microsoft.Extensions.Logging;

namespace Corda.HighAvailability.LeaseElection.Supervision;

// The supervisor's source-generated log messages (event ids 1200-1212).
internal sealed partial class NodeSupervisor
{
    [LoggerMessage(EventId = 1200, Level = LogLevel.Warning, Message = "Pre-start gate {Gate} refused to start the node under epoch {Epoch}: {Reason}. Stepping down.")]
    private static partial void LogGateRefused(ILogger logger, string gate, long epoch, string reason);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Node started (pid {Pid}) under epoch {Epoch}.")]
    private static partial void LogNodeStarted(ILogger logger, int pid, long epoch);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Node (pid {Pid}) is ready: port {Port} answers.")]
    private static partial void LogNodeReady(ILogger logger, int pid, int port);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Stopping the node (pid {Pid}); SIGKILL after {Grace} or at its deadline.")]
    private static partial void LogStopping(ILogger logger, int pid, TimeSpan grace);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Information, Message = "Node (pid {Pid}) is dead: exit code {Code}, {Reason}.")]
    private static partial void LogNodeStopped(ILogger logger, int pid, int? code, string reason);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Warning, Message = "Node (pid {Pid}) exited while leading under epoch {Epoch}: exit code {Code}, {Reason}.")]
    private static partial void LogNodeExited(ILogger logger, int pid, int? code, string reason, long epoch);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Information, Message = "Restarting the node under epoch {Epoch} in {Delay}.")]
    private static partial void LogRestarting(ILogger logger, long epoch, TimeSpan delay);

    [LoggerMessage(EventId = 1207, Level = LogLevel.Error, Message = "The guard did not confirm the node (pid {Pid}) dead by its deadline; killing it from the supervisor.")]
    private static partial void LogBackstop(ILogger logger, int pid);

    [LoggerMessage(EventId = 1208, Level = LogLevel.Error, Message = "The guard '{GuardCommand}' could not be started.")]
    private static partial void LogGuardFailed(ILogger logger, Exception exception, string guardCommand);

    [LoggerMessage(EventId = 1209, Level = LogLevel.Error, Message = "The node did not start under epoch {Epoch} (see the guard's messages).")]
    private static partial void LogNodeDidNotStart(ILogger logger, long epoch);

    [LoggerMessage(EventId = 1210, Level = LogLevel.Error, Message = "Supervising the node failed.")]
    private static partial void LogTermFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1211, Level = LogLevel.Error, Message = "A node process event handler failed.")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1212, Level = LogLevel.Warning, Message = "Pre-start gate {Gate} warned before starting the node under epoch {Epoch}: {Reason}. Starting it anyway.")]
    private static partial void LogGateWarned(ILogger logger, string gate, long epoch, string reason);
}
