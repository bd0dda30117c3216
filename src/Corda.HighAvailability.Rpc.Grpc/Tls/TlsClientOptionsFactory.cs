using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Corda.HighAvailability.Rpc.Grpc.Tls;

/// <summary>Turns the TLS settings of <see cref="GrpcRpcTransportOptions"/> into one connection's client options.</summary>
internal static class TlsClientOptionsFactory
{
    public static SslClientAuthenticationOptions Create(GrpcRpcTransportOptions options, TlsHandshakeObserver observer)
    {
        var ssl = new SslClientAuthenticationOptions();
        if (options.ClientCertificate is { } certificate)
        {
            // A context, not a collection: the certificate is then sent whatever CA names the server lists (a
            // collection is filtered by them, and a server that lists none would get no certificate at all).
            ssl.ClientCertificateContext = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
        }

        if (options.TrustedCertificateAuthorities.Count > 0)
        {
            // The platform then judges the chain against these roots only, so the SslPolicyErrors it reports (and the
            // name check) keep their usual meaning.
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(options.TrustedCertificateAuthorities);
            ssl.CertificateChainPolicy = policy;
        }

        ssl.RemoteCertificateValidationCallback = options.ServerCertificateValidation;
        options.ConfigureSsl?.Invoke(ssl);
        var decide = ssl.RemoteCertificateValidationCallback;
        ssl.RemoteCertificateValidationCallback = (sender, remote, chain, errors) => observer.Judge(decide, sender, remote, chain, errors);
        return ssl;
    }
}
