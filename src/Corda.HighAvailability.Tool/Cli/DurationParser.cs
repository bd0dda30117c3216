using System.Globalization;

namespace Corda.HighAvailability.Tool.Cli;

/// <summary>Parses the durations operators type: <c>2s</c>, <c>1500ms</c>, <c>1m</c>, or a TimeSpan such as <c>00:00:02</c>.</summary>
internal static class DurationParser
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        var (number, unit) = Split(text);
        if (unit.Length > 0 && double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && double.IsFinite(amount))
        {
            double? ms = unit.ToLowerInvariant() switch
            {
                "ms" => amount,
                "s" => amount * 1000,
                "m" or "min" => amount * 60_000,
                "h" => amount * 3_600_000,
                _ => null,
            };
            if (ms is { } milliseconds && milliseconds > 0 && milliseconds < TimeSpan.MaxValue.TotalMilliseconds)
            {
                value = TimeSpan.FromMilliseconds(milliseconds);
                return true;
            }

            return false;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value) && value > TimeSpan.Zero;
    }

    /// <summary>Formats for humans and for the command lines the drill passes to its candidates.</summary>
    public static string Format(TimeSpan value) => $"{(long)Math.Round(value.TotalMilliseconds)}ms";

    private static (string Number, string Unit) Split(string text)
    {
        var i = text.Length;
        while (i > 0 && char.IsAsciiLetter(text[i - 1]))
        {
            i--;
        }

        return (text[..i].Trim(), text[i..]);
    }
}
