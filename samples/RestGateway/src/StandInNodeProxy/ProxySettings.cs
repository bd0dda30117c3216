using System.Globalization;

namespace Corda.Samples.StandInNodeProxy;

/// <summary>
/// The command line: <c>--port N --ledger FILE --name NAME [--legal-name X500] [--tls-cert PEM --tls-key PEM
/// [--client-ca PEM]]</c>. Proxies that share a ledger file play a node and its hot standby sharing the node's
/// database: a flow started on one is known to the other. With <c>--tls-cert</c> and <c>--tls-key</c> it listens with
/// TLS; with <c>--client-ca</c> too, it requires a client certificate issued by that CA (mutual TLS).
/// </summary>
internal sealed record ProxySettings(int Port, string Ledger, string Name, string LegalName, ProxyTlsSettings? Tls)
{
    /// <summary>When set (environment variable), calls must carry <c>authorization: Bearer KEY</c>.</summary>
    public const string ApiKeyVariable = "NODE_PROXY_API_KEY";

    public static ProxySettings Parse(string[] args)
    {
        string? Value(string option) => Array.IndexOf(args, option) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        string Required(string option) => Value(option) ?? throw new ArgumentException($"missing {option}");
        var port = int.Parse(Required("--port"), NumberStyles.None, CultureInfo.InvariantCulture);
        var tls = Value("--tls-cert") is { } cert
            ? new ProxyTlsSettings(cert, Required("--tls-key"), Value("--client-ca"))
            : null;
        return new ProxySettings(port, Required("--ledger"), Required("--name"), Value("--legal-name") ?? "O=Bank A, L=London, C=GB", tls);
    }
}

/// <summary>The proxy's TLS listener: its certificate and key (PEM), and the CA its clients' certificates must come from.</summary>
internal sealed record ProxyTlsSettings(string CertificateFile, string KeyFile, string? ClientCaFile);
