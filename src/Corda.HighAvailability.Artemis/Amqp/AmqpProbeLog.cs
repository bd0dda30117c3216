using Microsoft.Extensions.Logging;

namespace Corda.HighAvailability.Artemis.Amqp;

/// <summary>
/// The AMQP probe's log messages (event ids 3100-3119): the connection's life, which a result cannot show. The address
/// is logged as scheme://host:port only; credentials are never logged.
/// </summary>
internal static partial class AmqpProbeLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "AMQP probe: connection {Number} to {Address} opened as container '{ContainerId}' in {ElapsedMs:0.##} ms.")]
    public static partial void Opened(ILogger logger, long number, string address, string containerId, double elapsedMs);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "AMQP probe: connection {Number} to {Address} was closed by the broker or the network ({Condition}); the next probe opens a new one.")]
    public static partial void Lost(ILogger logger, long number, string address, string condition);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "AMQP probe: connection {Number} to {Address} dropped after a failed probe ({Reason}); the next probe opens a new one.")]
    public static partial void Dropped(ILogger logger, long number, string address, string reason);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Debug, Message = "AMQP probe: connection {Number} to {Address} closed (the check was disposed).")]
    public static partial void Closed(ILogger logger, long number, string address);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Debug, Message = "AMQP probe: could not connect to {Address}: {Reason}")]
    public static partial void OpenFailed(ILogger logger, string address, string reason);
}
