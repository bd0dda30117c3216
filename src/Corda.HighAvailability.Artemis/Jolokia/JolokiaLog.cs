using Microsoft.Extensions.Logging;

namespace Corda.HighAvailability.Artemis.Jolokia;

/// <summary>
/// The Jolokia probe's log messages (event ids 3150-3169). Results are logged by the health check service itself;
/// these are what a result cannot show. Credentials are never logged.
/// </summary>
internal static partial class JolokiaLog
{
    [LoggerMessage(EventId = 3150, Level = LogLevel.Warning, Message = "Jolokia probe: the reply of {Endpoint} could not be used: {Reason}")]
    public static partial void UnusableReply(ILogger logger, string endpoint, string reason);
}
