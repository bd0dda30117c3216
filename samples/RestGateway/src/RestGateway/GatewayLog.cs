namespace Corda.Samples.RestGateway;

/// <summary>The gateway's own log messages (the resilient connection logs its state changes itself, event ids 4000-4099).</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(1000, LogLevel.Information, "REST gateway starting: {Settings}")]
    public static partial void Starting(ILogger logger, string settings);
}
