using System.Security.Cryptography.X509Certificates;
using Corda.HighAvailability.Rpc.Transport;
using Corda.HighAvailability.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Corda.HighAvailability.Rpc.Grpc.Tests;

/// <summary>The TLS settings are checked at start, naming the option, and never put a private key in a message.</summary>
public sealed class GrpcTlsOptionsTests
{
    private static readonly X509Certificate2 Ca = TestCertificates.Ca("grpc-tls-options-ca");

    [Fact]
    public void A_client_certificate_without_its_key_or_out_of_date_and_a_callback_with_trusted_CAs_are_refused()
    {
        using var client = TestCertificates.Client(Ca, "gateway", notAfter: DateTimeOffset.UtcNow.AddDays(10));
        using var withoutKey = X509CertificateLoader.LoadCertificate(client.RawData);
        var options = new GrpcRpcTransportOptions { ClientCertificate = withoutKey, ServerCertificateValidation = (_, _, _, _) => true };
        options.TrustedCertificateAuthorities.Add(Ca);

        var later = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(20));
        var result = new GrpcRpcTransportOptionsValidator(later).Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains("GrpcRpcTransportOptions.ClientCertificate (CN=gateway, O=Corda HA probe tests, SHA-256 ", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("has no private key", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("GrpcRpcTransportOptions.ClientCertificate (CN=gateway, O=Corda HA probe tests, SHA-256 ", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains(") expired on ", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("GrpcRpcTransportOptions.TrustedCertificateAuthorities and GrpcRpcTransportOptions.ServerCertificateValidation are both set", result.FailureMessage, StringComparison.Ordinal);

        // The key itself is never in a message.
        using var key = client.GetECDsaPrivateKey()!;
        Assert.DoesNotContain(key.ExportPkcs8PrivateKeyPem()[30..60], result.FailureMessage, StringComparison.Ordinal);

        options.ServerCertificateValidation = null;
        options.ClientCertificate = client;
        Assert.True(new GrpcRpcTransportOptionsValidator().Validate(null, options).Succeeded);
        var error = Assert.Throws<ArgumentException>(() => new GrpcRpcTransport<NodeClient>(i => new NodeClient(i), new GrpcRpcTransportOptions { ClientCertificate = withoutKey }));
        Assert.Contains("GrpcRpcTransportOptions.ClientCertificate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_di_registration_refuses_an_expired_trusted_CA_at_start()
    {
        using var expired = TestCertificates.Ca("old-ca", DateTimeOffset.UtcNow.AddYears(-3), DateTimeOffset.UtcNow.AddDays(-1));
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCordaHa(ha => ha.AddGrpcResilientRpc(
            "node",
            invoker => new NodeClient(invoker),
            o => o.Endpoints.Add(new RpcEndpoint("node-a", new Uri("https://127.0.0.1:1"))),
            t => t.TrustedCertificateAuthorities.Add(expired)));
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("GrpcRpcTransportOptions.TrustedCertificateAuthorities[0] (CN=old-ca", error.Message, StringComparison.Ordinal);
        Assert.Contains("expired on", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_di_registration_refuses_TLS_settings_with_an_http_endpoint_at_start()
    {
        using var client = TestCertificates.Client(Ca, "gateway");
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCordaHa(ha => ha.AddGrpcResilientRpc(
            "node",
            invoker => new NodeClient(invoker),
            o =>
            {
                o.Endpoints.Add(new RpcEndpoint("node-a", new Uri("https://127.0.0.1:1")));
                o.Endpoints.Add(new RpcEndpoint("node-b", new Uri("http://127.0.0.1:2")));
            },
            t => t.ClientCertificate = client));
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("RPC connection 'node': ResilientRpcOptions.Endpoints 'node-b' is http://", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("node-a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TLS_settings_with_an_http_endpoint_fail_the_connect_attempt_saying_so()
    {
        var options = new GrpcRpcTransportOptions();
        options.TrustedCertificateAuthorities.Add(Ca);
        var transport = new GrpcRpcTransport<NodeClient>(i => new NodeClient(i), options);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => transport.ConnectAsync(new RpcEndpoint("node-a", new Uri("http://127.0.0.1:1")), CancellationToken.None).AsTask());
        Assert.Contains("is not https://", error.Message, StringComparison.Ordinal);
    }
}
