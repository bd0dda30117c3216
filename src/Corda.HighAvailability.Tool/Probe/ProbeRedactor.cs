using System.Text.RegularExpressions;
using Corda.HighAvailability.Tool.Cli;

namespace Corda.HighAvailability.Tool.Probe;

/// <summary>
/// Keeps the probe's secrets out of everything it prints: the passwords of URLs (<c>amqp://user:secret@host</c>), the
/// passwords read from environment variables, and <c>password=</c> pairs. A check's description or data may echo a
/// URL or a client library's message, so every string printed goes through <see cref="Redact"/>, not just the names.
/// </summary>
internal sealed partial class ProbeRedactor
{
    private const string Mask = "***";
    private readonly List<string> _secrets = [];

    /// <summary>A secret to mask wherever it appears, as given and percent-decoded.</summary>
    public void Add(string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return;
        }

        foreach (var form in new[] { secret, Uri.UnescapeDataString(secret), Uri.EscapeDataString(secret) })
        {
            if (!_secrets.Contains(form, StringComparer.Ordinal))
            {
                _secrets.Add(form);
            }
        }

        // Longest first, so that a secret containing another one is masked whole.
        _secrets.Sort((a, b) => b.Length.CompareTo(a.Length));
    }

    /// <summary>Registers the password of <paramref name="url"/>'s user information, if it has one.</summary>
    public void AddUrlPassword(string url)
    {
        if (PasswordOf(url) is { } password)
        {
            Add(password);
        }
    }

    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return RedactUrls(Secrets.Redact(text));
    }

    /// <summary>Masks the password of every <c>scheme://user:password@</c> in <paramref name="text"/>, keeping the user.</summary>
    public static string RedactUrls(string text) =>
        UrlUserInfo().Replace(text, m => $"{m.Groups["prefix"].Value}{m.Groups["user"].Value}:{Mask}@");

    private static string? PasswordOf(string url)
    {
        var match = UrlUserInfo().Match(url);
        return match.Success && match.Groups["password"].Value.Length > 0 ? match.Groups["password"].Value : null;
    }

    // The password runs to the last '@' before the host, so that an unescaped '@' or '/' in it is masked too.
    [GeneratedRegex(@"(?<prefix>[A-Za-z][A-Za-z0-9+.\-]*://)(?<user>[^:@/\s]*):(?<password>\S*)@", RegexOptions.CultureInvariant)]
    private static partial Regex UrlUserInfo();
}
