using Corda.HighAvailability.Checkpoints.Flows;
using Corda.HighAvailability.Checkpoints.Rules;

namespace Corda.HighAvailability.Tool.Flows;

/// <summary>How statuses and start types are spelled on the command line, in text and in JSON: lower case, stable.</summary>
internal static class FlowNames
{
    public static string Status(CheckpointFlowStatus status) => status.ToString().ToLowerInvariant();

    public static string Status(FlowRecord flow) =>
        flow.Status is { } status ? Status(status) : flow.StatusCode is { } code ? $"unknown({code})" : "unknown";

    public static string? StartType(FlowRecord flow) =>
        flow.StartType is { } type ? type.ToString().ToLowerInvariant() : flow.StartTypeCode is { } code ? $"unknown({code})" : null;

    public static bool TryParseStatus(string? text, out CheckpointFlowStatus status)
    {
        foreach (var candidate in Enum.GetValues<CheckpointFlowStatus>())
        {
            if (string.Equals(Status(candidate), text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }
}
