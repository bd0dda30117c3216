using System.Globalization;

namespace Corda.HighAvailability.Tool.Probe;

/// <summary>
/// A <c>host:port</c> from the command line: a name, an IPv4 address, or an IPv6 address in brackets
/// (<c>[::1]:10002</c>), and a port 1-65535.
/// </summary>
internal sealed record HostPort(string Host, int Port)
{
    /// <summary>As it is shown in check names, with IPv6 addresses bracketed again.</summary>
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal)
        ? string.Create(CultureInfo.InvariantCulture, $"[{Host}]:{Port}")
        : string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");

    public static bool TryParse(string? text, out HostPort value, out string problem)
    {
        value = new HostPort(string.Empty, 0);
        problem = string.Empty;
        if (string.IsNullOrWhiteSpace(text) || text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            problem = "expected host:port, e.g. node1:10002 or [::1]:10002";
            return false;
        }

        string host;
        string port;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 2 || close + 1 >= text.Length || text[close + 1] != ':')
            {
                problem = "expected [ipv6-address]:port, e.g. [::1]:10002";
                return false;
            }

            host = text[1..close];
            port = text[(close + 2)..];
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon <= 0 || text.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                // No colon, an empty host, or an unbracketed IPv6 address whose port cannot be told apart.
                problem = "expected host:port (bracket IPv6 addresses: [::1]:10002)";
                return false;
            }

            host = text[..colon];
            port = text[(colon + 1)..];
        }

        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
        {
            problem = "the port must be a number 1-65535";
            return false;
        }

        value = new HostPort(host, number);
        return true;
    }
}
