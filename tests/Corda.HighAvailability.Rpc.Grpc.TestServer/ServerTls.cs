using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Corda.HighAvailability.Rpc.Grpc.TestServer;

/// <summary>
/// The optional TLS listener: <c>--tls-cert PEM --tls-key PEM</c> or <c>--tls-pfx FILE [--tls-pfx-password PW]</c>
/// serves HTTPS (HTTP/2 over TLS); <c>--client-ca PEM</c> also requires a client certificate issued by that CA (mutual
/// TLS). Without them the listener stays cleartext HTTP/2. Certificates are read at start, so a restarted server
/// presents whatever the files hold then (certificate rotation).
/// </summary>
public static class ServerTls
{
    public static void Apply(ListenOptions listen, string[] args)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(args);
        if (Load(args) is not { } certificate)
        {
            return;
        }

        var clientCa = Option(args, "--client-ca") is { } caPath ? X509CertificateLoader.LoadCertificateFromFile(caPath) : null;
        listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = certificate,
            ClientCertificateMode = clientCa is null ? ClientCertificateMode.NoCertificate : ClientCertificateMode.RequireCertificate,
            ClientCertificateValidation = (client, _, _) => clientCa is null || IssuedBy(client, clientCa),
        });
    }

    private static X509Certificate2? Load(string[] args)
    {
        if (Option(args, "--tls-pfx") is { } pfx)
        {
            // Re-exported on load by the loader: SslStream can use the key on every platform.
            return X509CertificateLoader.LoadPkcs12FromFile(pfx, Option(args, "--tls-pfx-password"));
        }

        if (Option(args, "--tls-cert") is { } cert)
        {
            using var pem = X509Certificate2.CreateFromPemFile(cert, Option(args, "--tls-key") ?? throw new ArgumentException("--tls-cert needs --tls-key"));
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }

        return null;
    }

    private static bool IssuedBy(X509Certificate2 client, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(client);
    }

    private static string? Option(string[] args, string name) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
