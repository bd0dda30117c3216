using Corda.HighAvailability.Rpc.Grpc;

namespace Corda.Samples.RestGateway.Node;

/// <summary>Applies <see cref="NodeTlsSettings"/> to the gRPC transport's options (validated before, by <see cref="NodeRpcSettingsValidator"/>).</summary>
public static class NodeTls
{
    /// <summary>The settings' names, as messages give them.</summary>
    public const string CaCertificateFile = NodeRpcSettings.Section + ":Tls:" + nameof(NodeTlsSettings.CaCertificateFile);

    /// <inheritdoc cref="CaCertificateFile"/>
    public const string ClientCertificateFile = NodeRpcSettings.Section + ":Tls:" + nameof(NodeTlsSettings.ClientCertificateFile);

    /// <inheritdoc cref="CaCertificateFile"/>
    public const string ClientKeyFile = NodeRpcSettings.Section + ":Tls:" + nameof(NodeTlsSettings.ClientKeyFile);

    /// <summary>
    /// Sets the trust anchors and the client certificate; and, for mutual TLS, re-reads the certificate and key files
    /// for each new connection when they have changed, so that a rotated certificate is used without a restart.
    /// </summary>
    /// <param name="transport">The transport's options.</param>
    /// <param name="tls">The settings.</param>
    /// <param name="logger">Where a reload (or a failed one) is reported.</param>
    public static void ApplyTo(GrpcRpcTransportOptions transport, NodeTlsSettings tls, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(tls);
        if (!string.IsNullOrEmpty(tls.CaCertificateFile))
        {
            transport.TrustedCertificateAuthorities.AddRange(TlsFiles.LoadAuthorities(CaCertificateFile, tls.CaCertificateFile));
        }

        if (tls.HasClientCertificate)
        {
            // Loaded now, so that the transport's own start-up checks (key present, dates) and its TLS error messages
            // (subject and thumbprint) apply to it; the reloader takes over from the first connection.
            transport.ClientCertificate = TlsFiles.LoadClientCertificate(ClientCertificateFile, tls.ClientCertificateFile!, ClientKeyFile, tls.ClientKeyFile!);
            var reloader = new ClientCertificateReloader(tls.ClientCertificateFile!, tls.ClientKeyFile!, transport.ClientCertificate, logger);
            transport.ConfigureSsl = reloader.Apply;
        }
    }
}
