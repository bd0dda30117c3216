using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Corda.Samples.StandInNodeProxy;

/// <summary>
/// The stand-in's TLS listener, as a node-side RPC proxy of a bank would have one: a server certificate of the bank's
/// CA and, for mutual TLS, only clients whose certificate chains to the given CA. Each client certificate it judges is
/// printed (subject only), so that tests can see which certificate a gateway presented.
/// </summary>
internal static class ProxyTls
{
    public static void UseTls(this ListenOptions listen, ProxyTlsSettings tls)
    {
        var clientCa = tls.ClientCaFile is null ? null : X509CertificateLoader.LoadCertificateFromFile(tls.ClientCaFile);
        listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = X509Certificate2.CreateFromPemFile(tls.CertificateFile, tls.KeyFile),
            ClientCertificateMode = clientCa is null ? ClientCertificateMode.NoCertificate : ClientCertificateMode.RequireCertificate,
            ClientCertificateValidation = (client, _, _) =>
            {
                var accepted = clientCa is not null && IssuedBy(client, clientCa);
                Console.WriteLine($"client certificate {(accepted ? "accepted" : "refused")}: {client.Subject}");
                return accepted;
            },
        });
    }

    // The client's chain must end at the given CA and nowhere else (not the system store).
    private static bool IssuedBy(X509Certificate2 client, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(client);
    }
}
