using System.Globalization;
using Corda.HighAvailability.Tool.Cli;

namespace Corda.HighAvailability.Tool.Flows;

/// <summary>
/// Durations for flow ages: the tool's usual forms (<c>90s</c>, <c>1500ms</c>, <c>00:01:30</c>) plus minutes, hours and
/// days, since a stuck flow is measured in those.
/// </summary>
internal static class FlowDuration
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return false;
        }

        var unit = trimmed[^1];
        var scale = unit switch
        {
            'm' when !trimmed.EndsWith("ms", StringComparison.Ordinal) => TimeSpan.FromMinutes(1),
            'h' => TimeSpan.FromHours(1),
            'd' => TimeSpan.FromDays(1),
            _ => TimeSpan.Zero,
        };
        if (scale == TimeSpan.Zero)
        {
            return DurationParser.TryParse(trimmed, out value);
        }

        if (!double.TryParse(trimmed[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || !double.IsFinite(amount) || amount < 0 || amount > 36_500)
        {
            return false;
        }

        value = scale * amount;
        return true;
    }
}
