using System.Globalization;
using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Tool.Probe;

/// <summary>
/// A table per round for people: name, status, duration, description, and the data compactly (<c>key=value</c>) under
/// the description. On a terminal the statuses are coloured (unless NO_COLOR is set) and the last column is wrapped
/// to the window; redirected, lines are never wrapped, so that grep sees a check's whole description on one line.
/// </summary>
internal static class ProbeTextReport
{
    private const string Gap = "  ";

    public static void Write(ProbeRound round)
    {
        var terminal = !Console.IsOutputRedirected;
        var colour = terminal && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        var output = new StringBuilder();
        var when = round.StartedAt.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var of = round.Of > 1 ? string.Create(CultureInfo.InvariantCulture, $"Round {round.Number}/{round.Of}  ") : string.Empty;
        output.Append(CultureInfo.InvariantCulture, $"{of}{when}  ").Append(Paint(round.Status.ToString(), round.Status, colour))
            .Append(CultureInfo.InvariantCulture, $"  ({Plural(round.Checks.Count, "check")}, {Duration(round.Duration)})").AppendLine();

        var nameWidth = Math.Max("NAME".Length, round.Checks.Max(c => c.Name.Length));
        var statusWidth = "Unhealthy".Length;
        var durationWidth = Math.Max("DURATION".Length, round.Checks.Max(c => Duration(c.Duration).Length));
        var indent = nameWidth + statusWidth + durationWidth + (3 * Gap.Length);
        var width = terminal ? WindowWidth() - indent : 0;
        output.Append("NAME".PadRight(nameWidth)).Append(Gap).Append("STATUS".PadRight(statusWidth)).Append(Gap)
            .Append("DURATION".PadLeft(durationWidth)).Append(Gap).AppendLine("DESCRIPTION");
        foreach (var check in round.Checks)
        {
            output.Append(check.Name.PadRight(nameWidth)).Append(Gap)
                .Append(Paint(check.Status.ToString().PadRight(statusWidth), check.Status, colour)).Append(Gap)
                .Append(Duration(check.Duration).PadLeft(durationWidth)).Append(Gap);
            var lines = Wrap(check.Description, width).Concat(Wrap(Data(check.Data), width)).ToList();
            for (var i = 0; i < lines.Count; i++)
            {
                output.Append(i == 0 ? string.Empty : new string(' ', indent)).AppendLine(lines[i]);
            }

            if (lines.Count == 0)
            {
                output.AppendLine();
            }
        }

        Console.Out.Write(output.Append(round.Number < round.Of ? Environment.NewLine : string.Empty).ToString());
        Console.Out.Flush();
    }

    /// <summary><c>key=value</c> pairs in the checks' order; values with spaces quoted.</summary>
    internal static string Data(IReadOnlyList<KeyValuePair<string, object>> data) =>
        string.Join(" ", data.Select(pair => $"{pair.Key}={Value(pair.Value)}"));

    private static string Value(object value)
    {
        var text = value switch
        {
            bool flag => flag ? "true" : "false",
            object[] items => string.Join(",", items.Select(Value)),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
        };
        return text.Length == 0 || text.Any(char.IsWhiteSpace) ? $"\"{text}\"" : text;
    }

    private static IEnumerable<string> Wrap(string text, int width)
    {
        if (text.Length == 0)
        {
            yield break;
        }

        if (width < 30)
        {
            yield return text;
            yield break;
        }

        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : string.Empty).Append(word);
        }

        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }

    private static int WindowWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static string Paint(string text, HealthStatus status, bool colour) => !colour ? text : status switch
    {
        HealthStatus.Healthy => $"\u001b[32m{text}\u001b[0m",
        HealthStatus.Degraded => $"\u001b[33m{text}\u001b[0m",
        _ => $"\u001b[31m{text}\u001b[0m",
    };

    private static string Duration(TimeSpan value) => value.TotalMilliseconds < 1000
        ? string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0.0} ms")
        : string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.00} s");

    private static string Plural(int count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? string.Empty : "s")}");
}
