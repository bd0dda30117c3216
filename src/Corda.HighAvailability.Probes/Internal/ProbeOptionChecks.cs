using System.Globalization;

namespace Corda.HighAvailability.Probes.Internal;

/// <summary>Checks shared by the probes' option validators; every message names the option.</summary>
internal static class ProbeOptionChecks
{
    /// <summary>The longest timeout a probe accepts: a health check that waits longer is of no use to anyone.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(5);

    public static void Host(List<string> errors, string option, string? host)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            errors.Add($"{option} is required (a host name or an IP address).");
        }
        else if (host.Any(char.IsWhiteSpace) || host.Any(char.IsControl))
        {
            errors.Add($"{option} must be a host name or an IP address (was '{Printable(host)}').");
        }
    }

    public static void Port(List<string> errors, string option, int port)
    {
        if (port is < 1 or > 65535)
        {
            errors.Add($"{option} must be 1-65535 (was {port}).");
        }
    }

    public static void Timeout(List<string> errors, string option, TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero || timeout > MaxTimeout)
        {
            errors.Add($"{option} must be positive and at most {MaxTimeout} (was {timeout}).");
        }
    }

    public static void Path(List<string> errors, string option, string? path)
    {
        if (path is null)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(path) || path.Any(char.IsControl))
        {
            errors.Add($"{option} must be a file path or null (was '{Printable(path)}').");
        }
    }

    /// <summary>A value quoted in a message without its control characters.</summary>
    public static string Printable(string value) =>
        string.Concat(value.Select(c => char.IsControl(c) ? string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}") : c.ToString()));
}
