using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Corda.HighAvailability.Probes.Tests.Infrastructure;
using Corda.HighAvailability.Probes.Tls;
using Corda.HighAvailability.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Probes.Tests.Tls;

/// <summary>
/// The TLS probe against real TLS servers on loopback, with a test CA and certificates made by the tests: valid, near
/// expiry, expired, issued by an unknown CA, for another name, and servers that require a client certificate.
/// </summary>
public sealed class TlsProbeTests : IDisposable
{
    private const string Password = "s3cr3t-Pfx-Passw0rd";
    private readonly TempDirectory _files = new();
    private readonly X509Certificate2 _ca = TestCertificates.Ca("Corda HA Test Root");
    private readonly string _bundle;

    public TlsProbeTests()
    {
        _bundle = TestCertificates.WritePem(_files.Path, "ca.pem", _ca);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _files.Dispose();
    }

    [Fact]
    public async Task A_valid_certificate_from_the_extra_CA_bundle_is_healthy_and_reports_the_earliest_expiry()
    {
        using var certificate = TestCertificates.Server(_ca);
        await using var server = new TlsTestServer(certificate);

        var result = await Probe.RunAsync(Check(server.Port));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Contains("trusted by the CA bundle for 'localhost'", result.Description, StringComparison.Ordinal);
        Assert.Equal(ServerCertificateCheck.ByBundle, result.Data["trustedBy"]);
        // The leaf expires before the CA: it is the chain's earliest NotAfter.
        Assert.Equal(new DateTimeOffset(certificate.NotAfter).ToUniversalTime().ToString("O"), result.Data["certificateExpiry"]);
        Assert.Equal(certificate.Subject, result.Data["certificateExpirySubject"]);
        Assert.InRange((double)result.Data["certificateExpiresInDays"], 363, 366);
        Assert.Equal(Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256)), result.Data["certificateThumbprint"]);
        Assert.IsType<double>(result.Data["latencyMs"]);
        Assert.StartsWith("Tls1", (string)result.Data["protocol"], StringComparison.Ordinal);
        Assert.True(await server.HandshakesReachAsync(1));
        Assert.Equal(false, result.Data["clientCertificateRequested"]);
    }

    [Fact]
    public async Task The_system_store_alone_does_not_trust_a_private_CA()
    {
        using var certificate = TestCertificates.Server(_ca);
        await using var server = new TlsTestServer(certificate);

        var result = await Probe.RunAsync(Check(server.Port, o => o.TrustedCaBundlePath = null));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("unknown CA", result.Description, StringComparison.Ordinal);
        Assert.Contains("Corda HA Test Root", result.Description, StringComparison.Ordinal);
        Assert.Contains("TrustedCaBundlePath", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_near_expiry_is_degraded_naming_the_date()
    {
        var notAfter = DateTimeOffset.UtcNow.AddDays(10);
        using var certificate = TestCertificates.Server(_ca, notAfter: notAfter);
        await using var server = new TlsTestServer(certificate);

        var result = await Probe.RunAsync(Check(server.Port));

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains($"expires on {new DateTimeOffset(certificate.NotAfter).ToUniversalTime():yyyy-MM-dd}", result.Description, StringComparison.Ordinal);
        Assert.Contains("within ExpiryWarning of 30 days", result.Description, StringComparison.Ordinal);
        Assert.InRange((double)result.Data["certificateExpiresInDays"], 9, 10.1);
    }

    [Fact]
    public async Task A_certificate_near_expiry_is_healthy_when_outside_the_expiry_warning()
    {
        using var certificate = TestCertificates.Server(_ca, notAfter: DateTimeOffset.UtcNow.AddDays(10));
        await using var server = new TlsTestServer(certificate);

        var result = await Probe.RunAsync(Check(server.Port, o => o.ExpiryWarning = TimeSpan.FromDays(7)));

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task An_expired_certificate_is_unhealthy_saying_when_it_expired()
    {
        using var certificate = TestCertificates.Server(_ca, notBefore: DateTimeOffset.UtcNow.AddDays(-400), notAfter: DateTimeOffset.UtcNow.AddDays(-3));
        await using var server = new TlsTestServer(certificate);

        var result = await Probe.RunAsync(Check(server.Port));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains($"expired on {new DateTimeOffset(certificate.NotAfter).ToUniversalTime():yyyy-MM-dd}", result.Description, StringComparison.Ordinal);
        Assert.True((double)result.Data["certificateExpiresInDays"] < 0);
    }

    [Fact]
    public async Task An_expired_certificate_stays_unhealthy_with_AllowUntrusted()
    {
        using var certificate = TestCertificates.Server(_ca, notBefore: DateTimeOffset.UtcNow.AddDays(-400), notAfter: DateTimeOffset.UtcNow.AddDays(-3));
        await using var server = new TlsTestServer(certificate);

        var result = await Probe.RunAsync(Check(server.Port, o => o.AllowUntrusted = true));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("expired on", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_from_an_unknown_CA_is_unhealthy_even_with_a_CA_bundle()
    {
        using var otherCa = TestCertificates.Ca("Some Other Root");
        using var certificate = TestCertificates.Server(otherCa);
        await using var server = new TlsTestServer(certificate);

        var result = await Probe.RunAsync(Check(server.Port));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("unknown CA", result.Description, StringComparison.Ordinal);
        Assert.Contains("Some Other Root", result.Description, StringComparison.Ordinal);
        Assert.Contains("nor the CA bundle", result.Description, StringComparison.Ordinal);
        Assert.Equal("nothing", result.Data["trustedBy"]);
    }

    [Fact]
    public async Task AllowUntrusted_accepts_an_unknown_CA_and_says_so()
    {
        using var otherCa = TestCertificates.Ca("Some Other Root");
        using var certificate = TestCertificates.Server(otherCa);
        await using var server = new TlsTestServer(certificate);

        var result = await Probe.RunAsync(Check(server.Port, o => o.AllowUntrusted = true));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Contains("accepted only because AllowUntrusted is set", result.Description, StringComparison.Ordinal);
        Assert.Contains("unknown CA", (string)result.Data["trustProblem"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_for_another_name_is_unhealthy_with_a_name_mismatch()
    {
        using var certificate = TestCertificates.Server(_ca, name: "broker-a.example");
        await using var server = new TlsTestServer(certificate);

        var result = await Probe.RunAsync(Check(server.Port, o => o.TargetHost = "broker-b.example"));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("name mismatch", result.Description, StringComparison.Ordinal);
        Assert.Contains("broker-a.example", result.Description, StringComparison.Ordinal);
        Assert.Contains("'broker-b.example'", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TargetHost_checks_the_name_the_certificate_was_issued_for()
    {
        using var certificate = TestCertificates.Server(_ca, name: "broker-a.example");
        await using var server = new TlsTestServer(certificate);

        var result = await Probe.RunAsync(Check(server.Port, o => o.TargetHost = "broker-a.example"));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("broker-a.example", result.Data["targetHost"]);
    }

    [Fact]
    public async Task A_pinned_thumbprint_trusts_a_certificate_of_an_unknown_CA()
    {
        using var otherCa = TestCertificates.Ca("Some Other Root");
        using var certificate = TestCertificates.Server(otherCa);
        await using var server = new TlsTestServer(certificate);
        var pin = string.Join(":", Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256)).Chunk(2).Select(c => new string(c)));

        var result = await Probe.RunAsync(Check(server.Port, o => { o.TrustedCaBundlePath = null; o.PinnedThumbprints.Add(pin.ToLowerInvariant()); }));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(ServerCertificateCheck.ByPin, result.Data["trustedBy"]);
    }

    [Fact]
    public async Task A_pin_of_another_certificate_trusts_nothing()
    {
        using var otherCa = TestCertificates.Ca("Some Other Root");
        using var certificate = TestCertificates.Server(otherCa);
        await using var server = new TlsTestServer(certificate);

        var result = await Probe.RunAsync(Check(server.Port, o => { o.TrustedCaBundlePath = null; o.PinnedThumbprints.Add(_ca.Thumbprint); }));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("no pinned thumbprint matches", result.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task A_server_requiring_a_client_certificate_is_unhealthy_without_one(SslProtocols protocol)
    {
        using var certificate = TestCertificates.Server(_ca);
        await using var server = new TlsTestServer(certificate, clientCa: _ca, protocols: protocol);

        var result = await Probe.RunAsync(Check(server.Port));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("client certificate", result.Description, StringComparison.Ordinal);
        Assert.Contains("ClientCertificatePath", result.Description, StringComparison.Ordinal);
        Assert.Equal(true, result.Data["clientCertificateRequested"]);
        // The server's own certificate was still judged and reported.
        Assert.True(result.Data.ContainsKey("certificateExpiry"));
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task A_server_requiring_a_client_certificate_is_healthy_with_a_PFX_one(SslProtocols protocol)
    {
        using var certificate = TestCertificates.Server(_ca);
        using var client = TestCertificates.Client(_ca);
        var pfx = TestCertificates.WritePfx(_files.Path, "client.pfx", client, Password);
        await using var server = new TlsTestServer(certificate, clientCa: _ca, protocols: protocol);

        var result = await Probe.RunAsync(Check(server.Port, o => { o.ClientCertificatePath = pfx; o.ClientCertificatePassword = Password; }));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(true, result.Data["clientCertificateSent"]);
        Assert.Equal(client.Subject, result.Data["clientCertificateSubject"]);
        Assert.True(await server.HandshakesReachAsync(1));
        Assert.Equal(1, server.ClientCertificates);
        Assert.DoesNotContain(Password, Probe.Everything(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_requiring_a_client_certificate_is_healthy_with_a_PEM_certificate_and_key()
    {
        using var certificate = TestCertificates.Server(_ca);
        using var client = TestCertificates.Client(_ca);
        var pem = TestCertificates.WritePem(_files.Path, "client.crt", client, _ca);
        var key = TestCertificates.WriteKeyPem(_files.Path, "client.key", client);
        await using var server = new TlsTestServer(certificate, clientCa: _ca);

        var result = await Probe.RunAsync(Check(server.Port, o => { o.ClientCertificatePath = pem; o.ClientCertificateKeyPath = key; }));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(true, result.Data["clientCertificateSent"]);
    }

    [Fact]
    public async Task A_client_certificate_of_a_CA_the_server_does_not_trust_is_unhealthy()
    {
        using var certificate = TestCertificates.Server(_ca);
        using var otherCa = TestCertificates.Ca("Some Other Root");
        using var client = TestCertificates.Client(otherCa);
        var pfx = TestCertificates.WritePfx(_files.Path, "client.pfx", client, Password);
        await using var server = new TlsTestServer(certificate, clientCa: _ca);

        var result = await Probe.RunAsync(Check(server.Port, o => { o.ClientCertificatePath = pfx; o.ClientCertificatePassword = Password; }));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("does not accept the client certificate", result.Description, StringComparison.Ordinal);
        Assert.Contains("Some Other Root", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_certificate_near_expiry_is_degraded()
    {
        using var certificate = TestCertificates.Server(_ca);
        using var client = TestCertificates.Client(_ca, notAfter: DateTimeOffset.UtcNow.AddDays(5));
        var pfx = TestCertificates.WritePfx(_files.Path, "client.pfx", client, Password);
        await using var server = new TlsTestServer(certificate, clientCa: _ca);

        var result = await Probe.RunAsync(Check(server.Port, o => { o.ClientCertificatePath = pfx; o.ClientCertificatePassword = Password; }));

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("The client certificate 'CN=probe-client", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_PFX_password_is_unhealthy_naming_the_file_and_never_the_password()
    {
        using var certificate = TestCertificates.Server(_ca);
        using var client = TestCertificates.Client(_ca);
        var pfx = TestCertificates.WritePfx(_files.Path, "client.pfx", client, Password);
        await using var server = new TlsTestServer(certificate, clientCa: _ca);
        const string Wrong = "not-the-Passw0rd";

        var result = await Probe.RunAsync(Check(server.Port, o => { o.ClientCertificatePath = pfx; o.ClientCertificatePassword = Wrong; }));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains(pfx, result.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(Wrong, Probe.Everything(result), StringComparison.Ordinal);
        Assert.Equal(0, server.Handshakes);
    }

    [Fact]
    public async Task A_missing_client_certificate_file_is_unhealthy_naming_the_file()
    {
        var missing = _files.File("absent.pfx");

        var result = await Probe.RunAsync(Check(1, o => o.ClientCertificatePath = missing));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains(missing, result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plain_TCP_port_that_never_answers_the_handshake_times_out()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;

            var result = await Probe.RunAsync(Check(port, o => o.Timeout = TimeSpan.FromMilliseconds(500)));

            Assert.Equal(HealthStatus.Unhealthy, result.Status);
            Assert.Contains("did not complete", result.Description, StringComparison.Ordinal);
            Assert.Equal("Timeout", result.Data["error"]);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task A_closed_port_is_unhealthy_because_the_connection_is_refused()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var result = await Probe.RunAsync(Check(port));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("refused", result.Description, StringComparison.Ordinal);
    }

    private TlsProbeHealthCheck Check(int port, Action<TlsProbeOptions>? configure = null)
    {
        var options = new TlsProbeOptions
        {
            Host = "127.0.0.1",
            Port = port,
            TargetHost = "localhost",
            TrustedCaBundlePath = _bundle,
        };
        configure?.Invoke(options);
        return new TlsProbeHealthCheck(options);
    }
}
