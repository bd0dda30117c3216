using System.Globalization;
using Corda.HighAvailability.Checkpoints;
using Corda.HighAvailability.Tool.Cli;

namespace Corda.HighAvailability.Tool.Checkpoints;

/// <summary>Whether a report fails the operator's <c>--fail-on</c> threshold, and the one-line verdict that says so.</summary>
internal static class Verdict
{
    public static bool Fails(CheckpointVerificationReport report, FindingSeverity failOn) =>
        report.ErrorCount > 0 || (failOn == FindingSeverity.Warning && report.WarningCount > 0);

    public static int ExitCode(CheckpointVerificationReport report, FindingSeverity failOn) =>
        Fails(report, failOn) ? ExitCodes.FindingsAtOrAboveThreshold : ExitCodes.Success;

    public static string Line(CheckpointVerificationReport report, FindingSeverity failOn)
    {
        var counts = string.Create(
            CultureInfo.InvariantCulture,
            $"{report.ErrorCount} error{(report.ErrorCount == 1 ? string.Empty : "s")}, {report.WarningCount} warning{(report.WarningCount == 1 ? string.Empty : "s")}");
        var threshold = $"--fail-on {CheckpointNames.Severity(failOn)}";
        if (Fails(report, failOn))
        {
            return $"FAILED: {counts} ({threshold}); do not trust these checkpoint tables until the findings are explained.";
        }

        return report.ErrorCount + report.WarningCount == 0
            ? "OK: no findings."
            : $"OK: {counts} (below {threshold}).";
    }
}
