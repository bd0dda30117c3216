using Microsoft.Extensions.Logging;

namespace Corda.HighAvailability.Rpc.Internal;

/// <summary>
/// The resilient RPC connection's log messages (event ids 4000-4099). Endpoints are logged by name and address;
/// addresses cannot carry credentials (the options validator refuses them).
/// </summary>
internal static partial class RpcLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "RPC connection '{Connection}': connected to {Endpoint} (attempt {Attempt}).")]
    public static partial void Connected(ILogger logger, string connection, string endpoint, int attempt);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "RPC connection '{Connection}': lost the connection to {Endpoint}: {Reason}")]
    public static partial void Disconnected(ILogger logger, string connection, string endpoint, string reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "RPC connection '{Connection}': reconnected to {Endpoint} after {Seconds:0.###} s without a connection (attempt {Attempt}).")]
    public static partial void Reconnected(ILogger logger, string connection, string endpoint, double seconds, int attempt);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "RPC connection '{Connection}': attempt {Attempt} on {Endpoint} in {DelayMilliseconds:0} ms.")]
    public static partial void AttemptScheduled(ILogger logger, string connection, int attempt, string endpoint, double delayMilliseconds);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "RPC connection '{Connection}': attempt {Attempt} on {Endpoint} failed: {Reason}")]
    public static partial void AttemptFailed(ILogger logger, Exception exception, string connection, int attempt, string endpoint, string reason);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Error, Message = "RPC connection '{Connection}': closed: {Reason}")]
    public static partial void Closed(ILogger logger, string connection, string reason);

    // A close the application asked for (disposal, host shutdown) is routine: not an error an operator must act on.
    [LoggerMessage(EventId = 4009, Level = LogLevel.Information, Message = "RPC connection '{Connection}': closed by the application.")]
    public static partial void ClosedByApplication(ILogger logger, string connection);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "RPC connection '{Connection}': a subscription hook failed on {Endpoint}; it runs again on the next connection: {Reason}")]
    public static partial void SubscriptionFailed(ILogger logger, Exception exception, string connection, string endpoint, string reason);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "RPC connection '{Connection}': a StateChanged handler threw; handlers must not throw.")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string connection);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Debug, Message = "RPC connection '{Connection}': call {RequestId} lost its connection on attempt {Attempt}; retrying it (idempotent or carrying a request id).")]
    public static partial void CallRetried(ILogger logger, string connection, string requestId, int attempt);
}
