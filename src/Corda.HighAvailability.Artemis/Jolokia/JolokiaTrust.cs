using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Corda.HighAvailability.Probes.Tls;

namespace Corda.HighAvailability.Artemis.Jolokia;

/// <summary>
/// Trust for an https agent: the operating system's store, then the CAs of <see cref="JolokiaProbeOptions.TrustedCaBundlePath"/>
/// (a broker's certificate is often issued by a private CA). A name mismatch is never accepted.
/// </summary>
internal sealed class JolokiaTrust : IDisposable
{
    private readonly X509Certificate2Collection? _bundle;

    public JolokiaTrust(string? bundlePath)
    {
        if (bundlePath is null)
        {
            return;
        }

        try
        {
            _bundle = CertificateFiles.LoadCaBundle(bundlePath);
        }
        catch (CertificateFileException e)
        {
            Problem = e.Message;
        }
    }

    /// <summary>Why the CA bundle cannot be used (it names the file); null when it can, or when none is configured.</summary>
    public string? Problem { get; }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || _bundle is null || certificate is not X509Certificate2 leaf)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_bundle);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            // The intermediates the server sent.
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return custom.Build(leaf);
    }

    public void Dispose()
    {
        if (_bundle is not null)
        {
            foreach (var certificate in _bundle)
            {
                certificate.Dispose();
            }
        }
    }
}
