using System.Globalization;

namespace Corda.HighAvailability.Artemis.Amqp;

/// <summary>
/// Where and as whom to connect, parsed from <see cref="AmqpProbeOptions"/>. <see cref="Display"/> is the only form
/// that is ever shown: scheme, host and port, never the credentials.
/// </summary>
internal sealed record AmqpEndpoint(string Scheme, string Host, int Port, string? UserName, string? Password)
{
    public const string Amqp = "amqp";
    public const string Amqps = "amqps";

    public bool UsesTls => Scheme == Amqps;

    public string Display => string.Create(CultureInfo.InvariantCulture, $"{Scheme}://{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port}");

    /// <summary>The endpoint of valid options; null with a reason (that shows no credentials) otherwise.</summary>
    public static AmqpEndpoint? Parse(AmqpProbeOptions options, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(options.Address))
        {
            problem = "is required (amqp://host:port or amqps://host:port)";
            return null;
        }

        if (!Uri.TryCreate(options.Address.Trim(), UriKind.Absolute, out var uri))
        {
            problem = "is not an absolute URI (expected amqp://host:port or amqps://host:port)";
            return null;
        }

        var scheme = uri.Scheme.ToLowerInvariant();
        if (scheme is not (Amqp or Amqps))
        {
            problem = $"must use the amqp or amqps scheme (was '{scheme}')";
            return null;
        }

        var host = uri.IdnHost;
        if (string.IsNullOrEmpty(host))
        {
            problem = "has no host";
            return null;
        }

        if (uri.AbsolutePath is not ("/" or "") || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            problem = "must be scheme://host:port only (no path, query or fragment)";
            return null;
        }

        var port = uri.IsDefaultPort || uri.Port < 0 ? (scheme == Amqps ? 5671 : 5672) : uri.Port;
        string? user = null;
        string? password = null;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }

        if (options.UserName is not null || options.Password is not null)
        {
            if (user is not null)
            {
                problem = "carries a user, and UserName or Password is set too: give the credentials once";
                return null;
            }

            user = options.UserName;
            password = options.Password;
        }

        return new AmqpEndpoint(scheme, host, port, user, password);
    }

    /// <summary>Never the credentials: records print themselves with every property otherwise.</summary>
    public override string ToString() => Display;
}
