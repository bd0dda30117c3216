using Corda.HighAvailability.Checkpoints;
using Corda.HighAvailability.Checkpoints.Schema;

namespace Corda.HighAvailability.Tool.Checkpoints;

/// <summary>The spellings of severities and schemas in <c>checkpoints verify</c> output; JSON consumers rely on them.</summary>
internal static class CheckpointNames
{
    public static string Severity(FindingSeverity severity) => severity == FindingSeverity.Error ? "error" : "warning";

    public static string Schema(CheckpointSchema schema) => schema switch
    {
        CheckpointSchema.Corda46OrLater => "corda-4.6+",
        CheckpointSchema.Corda45OrEarlier => "corda-4.5-or-earlier",
        _ => "unknown",
    };

    public static string SchemaDescription(CheckpointSchema schema) => schema switch
    {
        CheckpointSchema.Corda46OrLater => "Corda 4.6 or later (five tables keyed by flow_id; blobs and cross-table rules checked)",
        CheckpointSchema.Corda45OrEarlier => "Corda 4.5 or earlier (node_checkpoints only; blobs checked, no cross-table rules)",
        _ => "unknown",
    };
}
