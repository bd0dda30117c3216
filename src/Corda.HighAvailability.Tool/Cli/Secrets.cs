using System.Data.Common;
using System.Text.RegularExpressions;

namespace Corda.HighAvailability.Tool.Cli;

/// <summary>
/// Keeps connection-string passwords out of everything corda-ha prints: driver messages may echo parts of the
/// connection string, and an operator pastes tool output into tickets.
/// </summary>
internal static partial class Secrets
{
    private const string Mask = "***";

    /// <summary>Masks <c>Password=...</c>-style pairs, and the literal password of <paramref name="connectionString"/> if any.</summary>
    public static string Redact(string text, string? connectionString = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (PasswordOf(connectionString) is { Length: > 0 } password)
        {
            text = text.Replace(password, Mask, StringComparison.Ordinal);
        }

        return PasswordPair().Replace(text, m => $"{m.Groups["key"].Value}={Mask}");
    }

    private static string? PasswordOf(string? connectionString)
    {
        if (string.IsNullOrEmpty(connectionString))
        {
            return null;
        }

        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
            foreach (var key in new[] { "password", "pwd" })
            {
                if (builder.TryGetValue(key, out var value) && value is string { Length: > 0 } text)
                {
                    return text;
                }
            }
        }
        catch (ArgumentException)
        {
            // Malformed: the regular expression below still masks key=value pairs.
        }

        return null;
    }

    [GeneratedRegex(@"(?<key>password|pwd)\s*=\s*(""[^""]*""|'[^']*'|[^;]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PasswordPair();
}
