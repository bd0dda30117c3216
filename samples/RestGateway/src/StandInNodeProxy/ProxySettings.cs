using System.Globalization;

namespace Corda.Samples.StandInNodeProxy;

/// <summary>
/// The command line: <c>--port N --ledger FILE --name NAME [--legal-name X500]</c>. Proxies that share a ledger file
/// play a node and its hot standby sharing the node's database: a flow started on one is known to the other.
/// </summary>
internal sealed record ProxySettings(int Port, string Ledger, string Name, string LegalName)
{
    /// <summary>When set (environment variable), calls must carry <c>authorization: Bearer KEY</c>.</summary>
    public const string ApiKeyVariable = "NODE_PROXY_API_KEY";

    public static ProxySettings Parse(string[] args)
    {
        string? Value(string option) => Array.IndexOf(args, option) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        string Required(string option) => Value(option) ?? throw new ArgumentException($"missing {option}");
        var port = int.Parse(Required("--port"), NumberStyles.None, CultureInfo.InvariantCulture);
        return new ProxySettings(port, Required("--ledger"), Required("--name"), Value("--legal-name") ?? "O=Bank A, L=London, C=GB");
    }
}
