namespace Corda.Samples.RestGateway.Node;

/// <summary>
/// <c>NodeRpc:Tls</c>: TLS to the node's RPC proxies, for a bank's private PKI. All files are PEM. With any of them
/// set, every endpoint must be <c>https://</c>. File paths appear in logs and messages; key contents never do.
/// </summary>
public sealed class NodeTlsSettings
{
    /// <summary>
    /// The CA certificate(s) the proxy's certificate must chain to, <em>instead of</em> the system trust store (a link
    /// to a node should not trust every public CA). Empty: the system store.
    /// </summary>
    public string? CaCertificateFile { get; set; }

    /// <summary>The gateway's client certificate for mutual TLS (with <see cref="ClientKeyFile"/>). Empty: none.</summary>
    public string? ClientCertificateFile { get; set; }

    /// <summary>
    /// The client certificate's private key: PKCS#8 or RSA/EC PEM, not encrypted (protect it with file permissions or
    /// a secret store's file mount). Re-read with the certificate when either file changes, from the next connection on.
    /// </summary>
    public string? ClientKeyFile { get; set; }

    /// <summary>Whether any TLS setting is made.</summary>
    public bool IsSet =>
        !string.IsNullOrEmpty(CaCertificateFile) || !string.IsNullOrEmpty(ClientCertificateFile) || !string.IsNullOrEmpty(ClientKeyFile);

    /// <summary>Whether a client certificate is configured (mutual TLS).</summary>
    public bool HasClientCertificate => !string.IsNullOrEmpty(ClientCertificateFile);

    /// <summary>Describes the settings for the start-up log: paths only.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        !IsSet
            ? "none (system trust store for https:// endpoints)"
            : $"CA {(string.IsNullOrEmpty(CaCertificateFile) ? "system trust store" : CaCertificateFile)}, client certificate "
              + (HasClientCertificate ? $"{ClientCertificateFile} (key {ClientKeyFile})" : "none");
}
