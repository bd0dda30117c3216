using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Corda.HighAvailability.Rpc.Grpc.Health;
using Corda.HighAvailability.Tool.Cli;

namespace Corda.HighAvailability.Tool.Probe;

/// <summary>
/// Loads --ca-bundle and --client-cert/--client-key for an https --grpc probe into its options. A file that cannot
/// be read is a usage error naming the option; the password is never printed.
/// </summary>
internal static class GrpcCertificateFiles
{
    public static void Apply(GrpcHealthProbeOptions options, ProbeRequest request, string target)
    {
        if (request.CaBundlePath is { } bundle)
        {
            try
            {
                options.TrustedCertificateAuthorities.ImportFromPemFile(bundle);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
            {
                throw Usage(target, $"--ca-bundle {bundle} could not be read as PEM certificates ({e.GetType().Name}: {e.Message})", e);
            }

            if (options.TrustedCertificateAuthorities.Count == 0)
            {
                throw Usage(target, $"--ca-bundle {bundle} holds no PEM certificate", null);
            }
        }

        if (request.ClientCertificatePath is { } path)
        {
            try
            {
                options.ClientCertificate = LoadClientCertificate(path, request.ClientKeyPath, request.ClientCertificatePassword);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                // The message of a failed decryption names no password; it is still never part of a message here.
                throw Usage(target, $"--client-cert {path} could not be loaded with its key ({e.GetType().Name}: {e.Message})", e);
            }
        }
    }

    private static X509Certificate2 LoadClientCertificate(string path, string? keyPath, string? password)
    {
        var extension = Path.GetExtension(path);
        if (extension.Equals(".pfx", StringComparison.OrdinalIgnoreCase) || extension.Equals(".p12", StringComparison.OrdinalIgnoreCase))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }

        return password is null
            ? X509Certificate2.CreateFromPemFile(path, keyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath);
    }

    private static ToolException Usage(string target, string message, Exception? inner) =>
        inner is null ? new(ProbeExitCodes.Usage, $"{target}: {message}.") : new(ProbeExitCodes.Usage, $"{target}: {message}.", inner);
}
