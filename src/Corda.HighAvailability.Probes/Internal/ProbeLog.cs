using Microsoft.Extensions.Logging;

namespace Corda.HighAvailability.Probes.Internal;

/// <summary>
/// The probes' log messages (event ids 3000-3099). Results are logged by the health check service itself; these
/// are what a result cannot show. Passwords are never logged.
/// </summary>
internal static partial class ProbeLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Warning, Message = "Journal storage probe '{Name}': the probe of {Directory} started {ElapsedSeconds:0.#} s ago has not returned; no new write is started until it does (hung mount?).")]
    public static partial void StorageStillBusy(ILogger logger, string name, string directory, double elapsedSeconds);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Journal storage probe '{Name}': the probe of {Directory} that had hung returned after {ElapsedSeconds:0.#} s.")]
    public static partial void StorageReturned(ILogger logger, string name, string directory, double elapsedSeconds);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Journal storage probe: the probe file {Path} could not be deleted; remove it by hand.")]
    public static partial void ProbeFileLeft(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Journal storage probe: whether {Path} is locked could not be determined: {Reason}")]
    public static partial void LockStateUnknown(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "TLS probe '{Name}': the client certificate could not be loaded from {Path}: {Reason}")]
    public static partial void ClientCertificateUnusable(ILogger logger, string name, string path, string reason);
}
