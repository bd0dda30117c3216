using System.Security.Cryptography.X509Certificates;
using Corda.HighAvailability.Testing;

namespace Corda.HighAvailability.Rpc.Grpc.Tests;

/// <summary>Writes a server certificate (and optionally the client CA) into a test server's dir and points its next start at them.</summary>
public static class ServerTlsFiles
{
    /// <summary>As PEM files (certificate, key); with <paramref name="pfxPassword"/>, as a password-protected PFX file instead.</summary>
    public static void Use(GrpcServerProcess server, X509Certificate2 certificate, X509Certificate2? clientCa = null, string? pfxPassword = null)
    {
        server.ExtraArguments.Clear();
        if (pfxPassword is null)
        {
            var cert = TestCertificates.WritePem(server.Dir, "server.pem", certificate);
            var key = TestCertificates.WriteKeyPem(server.Dir, "server.key", certificate);
            server.ExtraArguments.AddRange(["--tls-cert", cert, "--tls-key", key]);
        }
        else
        {
            server.ExtraArguments.AddRange(["--tls-pfx", TestCertificates.WritePfx(server.Dir, "server.pfx", certificate, pfxPassword), "--tls-pfx-password", pfxPassword]);
        }

        if (clientCa is not null)
        {
            server.ExtraArguments.AddRange(["--client-ca", TestCertificates.WritePem(server.Dir, "client-ca.pem", clientCa)]);
        }
    }
}
