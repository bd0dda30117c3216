using Microsoft.Extensions.Logging;

namespace Corda.HighAvailability.Rpc.Grpc;

/// <summary>The gRPC transport's log messages (event ids 4100-4119; the resilient connection's are 4000-4099).</summary>
internal static partial class GrpcTransportLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "gRPC transport: {Endpoint} does not offer the gRPC health service (Unimplemented); this connection is used without the health watch, so an idle loss is found by the channel's own checks only.")]
    public static partial void HealthServiceMissing(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "gRPC transport: the health watch on {Endpoint} was ended by the other side with {Status} while the connection stayed up (a proxy's stream timeout?); re-opened it on the same connection.")]
    public static partial void HealthWatchReopened(ILogger logger, string endpoint, string status);
}
