using Corda.HighAvailability.Checkpoints.Schema;
using Microsoft.Extensions.Logging;

namespace Corda.HighAvailability.Checkpoints.Verification;

/// <summary>The log messages of a verification run (event ids 2000-2099).</summary>
internal static partial class VerificationLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Verifying {Schema} checkpoint tables in schema '{SchemaName}' on {Provider} (parallelism {Parallelism}, blobs {CheckBlobs}).")]
    public static partial void Starting(ILogger logger, CheckpointSchema schema, string schemaName, string provider, int parallelism, bool checkBlobs);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Checkpoint verification finished: {Flows} flows, {Blobs} blobs, {Findings} findings.")]
    public static partial void Finished(ILogger logger, long flows, long blobs, long findings);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Checkpoint rule {Rule} threw for flow {FlowId}; reported as rule-failed.")]
    public static partial void RuleFailed(ILogger logger, Exception exception, string rule, string flowId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "{Table} has more than one row for flow {FlowId} (Corda's unique index is missing?); only the first was checked.")]
    public static partial void Duplicate(ILogger logger, string table, string flowId);
}
