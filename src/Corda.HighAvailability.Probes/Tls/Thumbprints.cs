using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Corda.HighAvailability.Probes.Tls;

/// <summary>Certificate thumbprints as the pinning option accepts them.</summary>
internal static class Thumbprints
{
    /// <summary>Upper-case hex without separators, or <see langword="null"/> when not a SHA-1 or SHA-256 thumbprint.</summary>
    public static string? Normalize(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var hex = string.Concat(value.Where(c => c != ':' && c != ' ' && c != '-')).ToUpperInvariant();
        return hex.Length is 40 or 64 && hex.All(char.IsAsciiHexDigit) ? hex : null;
    }

    public static string Sha256(X509Certificate2 certificate) =>
        Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256));

    public static string Sha1(X509Certificate2 certificate) =>
        Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA1));

    public static bool Matches(X509Certificate2 certificate, IReadOnlySet<string> pins) =>
        pins.Count > 0 && (pins.Contains(Sha256(certificate)) || pins.Contains(Sha1(certificate)));
}
