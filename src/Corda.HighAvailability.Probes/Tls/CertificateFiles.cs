using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Corda.HighAvailability.Probes.Tls;

/// <summary>A certificate file that could not be used; the message names the file and never a password.</summary>
internal sealed class CertificateFileException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A client certificate with its private key, and the issuers to send with it.</summary>
internal sealed class ClientCertificate : IDisposable
{
    public ClientCertificate(X509Certificate2 certificate, X509Certificate2Collection issuers)
    {
        Certificate = certificate;
        Issuers = issuers;
    }

    public X509Certificate2 Certificate { get; }

    public X509Certificate2Collection Issuers { get; }

    public void Dispose()
    {
        Certificate.Dispose();
        foreach (var issuer in Issuers)
        {
            issuer.Dispose();
        }
    }
}

/// <summary>Reads the probe's certificate files: PFX or PEM client certificates, PEM CA bundles.</summary>
internal static class CertificateFiles
{
    public static X509Certificate2Collection LoadCaBundle(string path)
    {
        var bundle = new X509Certificate2Collection();
        try
        {
            bundle.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new CertificateFileException($"The CA bundle {path} could not be read: {e.Message}", e);
        }

        if (bundle.Count == 0)
        {
            throw new CertificateFileException($"The CA bundle {path} holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
        }

        return bundle;
    }

    public static ClientCertificate LoadClientCertificate(string path, string? keyPath, string? password)
    {
        byte[] contents;
        try
        {
            contents = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CertificateFileException($"The client certificate {path} could not be read: {e.Message}", e);
        }

        try
        {
            var certificate = IsPem(contents) ? FromPem(Encoding.ASCII.GetString(contents), keyPath, password) : FromPkcs12(path, contents, password);
            if (!certificate.Certificate.HasPrivateKey)
            {
                certificate.Dispose();
                throw new CertificateFileException($"The client certificate {path} comes without its private key.");
            }

            return certificate;
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            // CryptographicException messages say "the password may be incorrect", never the password.
            throw new CertificateFileException($"The client certificate {path} could not be loaded: {e.Message}", e);
        }
    }

    private static bool IsPem(byte[] contents) =>
        contents.AsSpan().IndexOf("-----BEGIN"u8) >= 0;

    private static ClientCertificate FromPem(string certificatePem, string? keyPath, string? password)
    {
        var keyPem = keyPath is null ? certificatePem : ReadKey(keyPath);
        var loaded = password is null
            ? X509Certificate2.CreateFromPem(certificatePem, keyPem)
            : X509Certificate2.CreateFromEncryptedPem(certificatePem, keyPem, password);
        if (OperatingSystem.IsWindows())
        {
            // SChannel cannot use the ephemeral key of a PEM certificate: give it a PKCS#12 round trip.
            var exported = loaded.Export(X509ContentType.Pkcs12);
            loaded.Dispose();
            loaded = LoadPkcs12(exported);
        }

        var all = new X509Certificate2Collection();
        all.ImportFromPem(certificatePem);
        var issuers = new X509Certificate2Collection();
        foreach (var certificate in all)
        {
            if (certificate.RawDataMemory.Span.SequenceEqual(loaded.RawDataMemory.Span))
            {
                certificate.Dispose();
            }
            else
            {
                issuers.Add(certificate);
            }
        }

        return new ClientCertificate(loaded, issuers);
    }

    private static string ReadKey(string keyPath)
    {
        try
        {
            return File.ReadAllText(keyPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CertificateFileException($"The client certificate key {keyPath} could not be read: {e.Message}", e);
        }
    }

    private static ClientCertificate FromPkcs12(string path, byte[] contents, string? password)
    {
        var all = LoadPkcs12Collection(contents, password);
        X509Certificate2? leaf = null;
        var issuers = new X509Certificate2Collection();
        foreach (var certificate in all)
        {
            if (leaf is null && certificate.HasPrivateKey)
            {
                leaf = certificate;
            }
            else
            {
                issuers.Add(certificate);
            }
        }

        if (leaf is null)
        {
            foreach (var certificate in issuers)
            {
                certificate.Dispose();
            }

            throw new CertificateFileException($"The client certificate {path} holds no certificate with a private key.");
        }

        return new ClientCertificate(leaf, issuers);
    }

#if NET9_0_OR_GREATER
    private static X509Certificate2 LoadPkcs12(byte[] contents) => X509CertificateLoader.LoadPkcs12(contents, password: null);

    private static X509Certificate2Collection LoadPkcs12Collection(byte[] contents, string? password) =>
        X509CertificateLoader.LoadPkcs12Collection(contents, password);
#else
    private static X509Certificate2 LoadPkcs12(byte[] contents) => new(contents);

    private static X509Certificate2Collection LoadPkcs12Collection(byte[] contents, string? password)
    {
        var collection = new X509Certificate2Collection();
        collection.Import(contents, password, X509KeyStorageFlags.DefaultKeySet);
        return collection;
    }
#endif
}
