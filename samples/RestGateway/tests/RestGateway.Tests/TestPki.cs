using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Corda.Samples.RestGateway.Tests;

/// <summary>
/// A bank's private PKI in miniature, made for one test with <see cref="CertificateRequest"/>: a CA (P-256, valid
/// from an hour ago for a day) issuing server certificates (for <c>localhost</c> and 127.0.0.1) and client
/// certificates, written as PEM files into the test's <c>corda-ha-sample-*</c> directory.
/// </summary>
public sealed class TestCa : IDisposable
{
    private readonly ECDsa _key;
    private readonly X509Certificate2 _certificate;
    private readonly string _dir;

    public TestCa(string dir, string name)
    {
        _dir = dir;
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        _certificate = request.CreateSelfSigned(now.AddHours(-1), now.AddDays(1));
        CertificateFile = Path.Combine(dir, $"{name}.pem");
        File.WriteAllText(CertificateFile, _certificate.ExportCertificatePem());
    }

    /// <summary>The CA's certificate (PEM).</summary>
    public string CertificateFile { get; }

    /// <summary>A server certificate for <c>localhost</c> and 127.0.0.1.</summary>
    public IssuedCertificate IssueServer(string name) => Issue(name, name, server: true);

    /// <summary>A client certificate, written to <c>{fileStem}.pem</c> and <c>{fileStem}.key</c> (overwriting them: a rotation).</summary>
    public IssuedCertificate IssueClient(string subjectName, string? fileStem = null) => Issue(subjectName, fileStem ?? subjectName, server: false);

    public void Dispose()
    {
        _certificate.Dispose();
        _key.Dispose();
    }

    // Positive (first byte below 0x80) and unique.
    private static byte[] SerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
        return serial;
    }

    private IssuedCertificate Issue(string subjectName, string fileStem, bool server)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subjectName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_certificate, true, false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        var now = DateTimeOffset.UtcNow;
        using var certificate = request.Create(_certificate, now.AddMinutes(-30), now.AddHours(12), SerialNumber());
        var issued = new IssuedCertificate(Path.Combine(_dir, $"{fileStem}.pem"), Path.Combine(_dir, $"{fileStem}.key"), key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(issued.CertificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(issued.KeyFile, issued.KeyPem);
        return issued;
    }
}

/// <summary>An issued certificate's files, and its key's PEM text (to check that it never appears in any output).</summary>
public sealed record IssuedCertificate(string CertificateFile, string KeyFile, string KeyPem)
{
    /// <summary>The key's base64 lines: none of them may appear in a process's output.</summary>
    public IEnumerable<string> KeyLines => KeyPem.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith("-----", StringComparison.Ordinal));
}
