using Microsoft.Extensions.Logging;

namespace Corda.HighAvailability.Rpc.Grpc.Health;

/// <summary>The gRPC health probe's log messages (event ids 4110-4119, within the gRPC transport's range).</summary>
internal static partial class GrpcHealthProbeLog
{
    [LoggerMessage(EventId = 4110, Level = LogLevel.Information, Message = "gRPC health probe '{Name}': the channel to {Address} is dropped after a transport failure ({Error}); the next probe opens a new one.")]
    public static partial void ChannelDropped(ILogger logger, string name, string address, string error);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Debug, Message = "gRPC health probe: connection {Number} to {Address} opened.")]
    public static partial void ConnectionOpened(ILogger logger, long number, string address);
}
