using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Corda.Samples.RestGateway.Node;

/// <summary>
/// Loads the PEM files of <see cref="NodeTlsSettings"/>. Each method throws <see cref="TlsFileException"/> with a
/// message naming the setting and the file, never any of the file's contents.
/// </summary>
public static class TlsFiles
{
    /// <summary>Loads the trusted CA certificates (one or more in the file).</summary>
    /// <param name="setting">The setting's name, for messages.</param>
    /// <param name="path">The file.</param>
    /// <returns>The certificates.</returns>
    public static X509Certificate2Collection LoadAuthorities(string setting, string path)
    {
        var text = Read(setting, path);
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPem(text);
        }
        catch (CryptographicException e)
        {
            throw new TlsFileException($"{setting} ({path}) holds an unreadable PEM certificate: {e.Message}", e);
        }

        return authorities.Count > 0 ? authorities : throw new TlsFileException($"{setting} ({path}) holds no PEM certificate.");
    }

    /// <summary>Loads the client certificate with its private key, checking that the key is the certificate's.</summary>
    /// <param name="certificateSetting">The certificate setting's name.</param>
    /// <param name="certificatePath">The certificate file.</param>
    /// <param name="keySetting">The key setting's name.</param>
    /// <param name="keyPath">The key file.</param>
    /// <returns>The certificate, with its key.</returns>
    public static X509Certificate2 LoadClientCertificate(string certificateSetting, string certificatePath, string keySetting, string keyPath)
    {
        var certificateText = Read(certificateSetting, certificatePath);
        using (var alone = LoadCertificate(certificateSetting, certificatePath, certificateText))
        {
            var now = DateTime.UtcNow;
            if (now > alone.NotAfter.ToUniversalTime() || now < alone.NotBefore.ToUniversalTime())
            {
                throw new TlsFileException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{certificateSetting} ({certificatePath}, {alone.Subject}) is not valid now: valid {alone.NotBefore.ToUniversalTime():u} to {alone.NotAfter.ToUniversalTime():u}."));
            }
        }

        var keyText = Read(keySetting, keyPath);
        try
        {
            // Fails when the file holds no private key, an encrypted one, or the key of another certificate.
            return X509Certificate2.CreateFromPem(certificateText, keyText);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            // The platform's messages name the problem ("the key contents do not match the certificate"), not the key.
            throw new TlsFileException($"{keySetting} ({keyPath}) is not an unencrypted PEM private key of {certificateSetting} ({certificatePath}): {e.Message}", e);
        }
    }

    private static X509Certificate2 LoadCertificate(string setting, string path, string text)
    {
        try
        {
            return X509Certificate2.CreateFromPem(text);
        }
        catch (CryptographicException e)
        {
            throw new TlsFileException($"{setting} ({path}) holds no readable PEM certificate: {e.Message}", e);
        }
    }

    private static string Read(string setting, string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new TlsFileException($"{setting} ({path}) cannot be read: {e.Message}", e);
        }
    }
}

/// <summary>A TLS file that cannot be used; the message names the setting and the file.</summary>
public sealed class TlsFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TlsFileException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public TlsFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TlsFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
