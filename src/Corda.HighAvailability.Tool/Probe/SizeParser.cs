using System.Globalization;

namespace Corda.HighAvailability.Tool.Probe;

/// <summary>Parses byte sizes as operators type them: <c>0</c>, <c>1048576</c>, <c>512MiB</c>, <c>1GiB</c> (K/M/G/T are binary too).</summary>
internal static class SizeParser
{
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        var i = 0;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        long multiplier = text[i..].Trim().ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "K" or "KB" or "KIB" => 1L << 10,
            "M" or "MB" or "MIB" => 1L << 20,
            "G" or "GB" or "GIB" => 1L << 30,
            "T" or "TB" or "TIB" => 1L << 40,
            _ => 0,
        };
        if (i == 0 || multiplier == 0 || !long.TryParse(text[..i], NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        try
        {
            bytes = checked(amount * multiplier);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }
}
