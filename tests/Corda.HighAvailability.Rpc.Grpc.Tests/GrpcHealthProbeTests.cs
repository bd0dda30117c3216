using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Corda.HighAvailability.Rpc.Grpc.Health;
using Corda.HighAvailability.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Rpc.Grpc.Tests;

/// <summary>
/// The gRPC health probe against a real out-of-process gRPC server (the TestServer): its health status switched on
/// command, started without the health service, killed with SIGKILL and restarted, and served over TLS.
/// </summary>
public sealed class GrpcHealthProbeTests(ITestOutputHelper output)
{
    private static readonly X509Certificate2 Ca = TestCertificates.Ca("grpc-probe-server-ca");

    private static GrpcHealthProbeHealthCheck Probe(Uri address, TimeSpan? timeout = null, Action<GrpcHealthProbeOptions>? configure = null)
    {
        var options = new GrpcHealthProbeOptions { Address = address, Timeout = timeout ?? TimeSpan.FromSeconds(5) };
        configure?.Invoke(options);
        return new GrpcHealthProbeHealthCheck(options);
    }

    private static HealthCheckContext Context(IHealthCheck check) =>
        new() { Registration = new HealthCheckRegistration("grpc-probe-test", check, HealthStatus.Unhealthy, null) };

    private async Task<HealthCheckResult> RunAsync(GrpcHealthProbeHealthCheck check)
    {
        var result = await check.CheckHealthAsync(Context(check));
        output.WriteLine($"{result.Status}: {result.Description} [{string.Join(", ", result.Data.Select(d => $"{d.Key}={d.Value}"))}]");
        return result;
    }

    [Fact]
    public async Task A_serving_server_is_healthy_with_its_latency_and_fifty_probes_run_on_one_connection()
    {
        using var server = new GrpcServerProcess("proxy-a");
        await server.StartAsync();
        using var check = Probe(server.Address);

        var first = await RunAsync(check);
        Assert.Equal(HealthStatus.Healthy, first.Status);
        Assert.Equal("SERVING", first.Data["status"]);
        Assert.Equal($"http://127.0.0.1:{server.Port}", first.Data["address"]);
        Assert.Equal(string.Empty, first.Data["service"]);
        Assert.True((double)first.Data["latencyMs"] > 0);
        Assert.Contains("on a new connection", first.Description, StringComparison.Ordinal);

        var last = first;
        for (var i = 1; i < 50; i++)
        {
            last = await check.CheckHealthAsync(Context(check));
            Assert.Equal(HealthStatus.Healthy, last.Status);
        }

        output.WriteLine($"50th: {last.Description}");
        Assert.Equal(1L, last.Data["connectionsOpened"]);
        Assert.Contains("on the kept connection", last.Description, StringComparison.Ordinal);
        if (ProcNetTcp.Available)
        {
            // The kernel's count, not the check's: one established connection from this process to the server.
            Assert.Equal(1, ProcNetTcp.EstablishedTo(server.Port));
        }

        check.Dispose();
        if (ProcNetTcp.Available)
        {
            await Eventually.True(() => ProcNetTcp.EstablishedTo(server.Port) == 0, "the connection closed by Dispose");
        }

        await Assert.ThrowsAsync<ObjectDisposedException>(() => check.CheckHealthAsync(Context(check)));
    }

    [Fact]
    public async Task A_server_reporting_NOT_SERVING_is_unhealthy_naming_the_status_and_healthy_again_on_the_same_connection()
    {
        using var server = new GrpcServerProcess("proxy-b");
        await server.StartAsync();
        using var check = Probe(server.Address);
        Assert.Equal(HealthStatus.Healthy, (await RunAsync(check)).Status);

        server.SetHealth("NOT_SERVING");
        HealthCheckResult result = default;
        await Eventually.True(() => (result = check.CheckHealthAsync(Context(check)).GetAwaiter().GetResult()).Status != HealthStatus.Healthy, "the probe to see NOT_SERVING");
        output.WriteLine(result.Description ?? string.Empty);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("NOT_SERVING", result.Data["status"]);
        Assert.Contains("reports NOT_SERVING", result.Description, StringComparison.Ordinal);

        server.SetHealth("SERVING");
        await Eventually.True(() => check.CheckHealthAsync(Context(check)).GetAwaiter().GetResult().Status == HealthStatus.Healthy, "the probe to see SERVING again");

        // A status the server sent is an answer: the connection was kept throughout.
        Assert.Equal(1L, (await RunAsync(check)).Data["connectionsOpened"]);
    }

    [Fact]
    public async Task A_server_without_the_health_service_is_unhealthy_saying_so()
    {
        using var server = new GrpcServerProcess("no-health", health: false);
        await server.StartAsync();
        using var check = Probe(server.Address);

        var result = await RunAsync(check);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("Unimplemented", result.Data["error"]);
        Assert.Contains("offers no gRPC health service", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_killed_server_is_unhealthy_at_once_refused_and_healthy_again_on_the_next_probe_after_its_restart()
    {
        using var server = new GrpcServerProcess("proxy-c");
        await server.StartAsync();
        var timeout = TimeSpan.FromSeconds(10);
        using var check = Probe(server.Address, timeout);
        Assert.Equal(HealthStatus.Healthy, (await RunAsync(check)).Status);

        server.Kill();
        var watch = Stopwatch.StartNew();
        var lost = await RunAsync(check);
        Assert.Equal(HealthStatus.Unhealthy, lost.Status);

        // Found from the closed connection, not by waiting out the deadline.
        Assert.NotEqual("DeadlineExceeded", lost.Data["error"]);
        Assert.True(watch.Elapsed < timeout, $"the loss took {watch.Elapsed}");

        var refused = await RunAsync(check);
        Assert.Equal(HealthStatus.Unhealthy, refused.Status);
        Assert.Equal("ConnectionRefused", refused.Data["error"]);
        Assert.Contains("refused", refused.Description, StringComparison.Ordinal);

        await server.StartAsync();
        var back = await RunAsync(check);
        Assert.Equal(HealthStatus.Healthy, back.Status);
        Assert.Contains("on a new connection", back.Description, StringComparison.Ordinal);
        Assert.Equal(2L, back.Data["connectionsOpened"]);
    }

    [Fact]
    public async Task A_TLS_server_of_an_untrusted_CA_is_unhealthy_naming_TLS_and_healthy_when_the_CA_is_trusted()
    {
        using var server = new GrpcServerProcess("proxy-tls");
        ServerTlsFiles.Use(server, TestCertificates.Server(Ca, "localhost"));
        await server.StartAsync();

        using (var untrusted = Probe(server.TlsAddress))
        {
            var result = await RunAsync(untrusted);
            Assert.Equal(HealthStatus.Unhealthy, result.Status);
            Assert.Equal("Tls", result.Data["error"]);
            Assert.Contains("TLS handshake with https://localhost", result.Description, StringComparison.Ordinal);
            Assert.Contains("is not trusted", result.Description, StringComparison.Ordinal);
            Assert.Contains("GrpcHealthProbeOptions.TrustedCertificateAuthorities", result.Description, StringComparison.Ordinal);
        }

        using var trusted = Probe(server.TlsAddress, configure: o => o.TrustedCertificateAuthorities.Add(Ca));
        var ok = await RunAsync(trusted);
        Assert.Equal(HealthStatus.Healthy, ok.Status);
        Assert.Equal(1L, (await RunAsync(trusted)).Data["connectionsOpened"]);
    }

    [Fact]
    public async Task An_IPv6_address_is_shown_in_brackets_and_a_closed_port_is_unhealthy_without_waiting_for_the_deadline()
    {
        int closed;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            closed = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }

        using var check = Probe(new Uri($"http://[::1]:{closed}"), TimeSpan.FromSeconds(10));
        var result = await RunAsync(check);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal($"http://[::1]:{closed}", result.Data["address"]);
        Assert.NotEqual("DeadlineExceeded", result.Data["error"]);
        Assert.Equal(0L, result.Data["connectionsOpened"]);
    }

    [Fact]
    public async Task The_registration_keeps_one_check_and_its_connection_across_health_check_runs()
    {
        using var server = new GrpcServerProcess("proxy-di");
        await server.StartAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddHealthChecks().AddCordaGrpcHealthProbe(o => o.Address = server.Address, tags: ["ready"]);
        using var host = builder.Build();
        await host.StartAsync();
        var service = host.Services.GetRequiredService<HealthCheckService>();

        var first = await service.CheckHealthAsync();
        var second = await service.CheckHealthAsync();
        var entry = second.Entries["corda-grpc-health"];
        output.WriteLine($"{entry.Status}: {entry.Description}");
        Assert.Equal(HealthStatus.Healthy, first.Status);
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal(1L, entry.Data["connectionsOpened"]);
        Assert.Same(
            host.Services.GetRequiredKeyedService<GrpcHealthProbeHealthCheck>("corda-grpc-health"),
            host.Services.GetRequiredKeyedService<GrpcHealthProbeHealthCheck>("corda-grpc-health"));
        await host.StopAsync();
    }

    [Theory]
    [InlineData("ftp://proxy:9000", "GrpcHealthProbeOptions.Address must be http:// or https://")]
    [InlineData(null, "GrpcHealthProbeOptions.Address is required")]
    [InlineData("http://user:s3cret@proxy:9000", "GrpcHealthProbeOptions.Address must not carry user information")]
    public async Task Unusable_options_fail_the_host_start_naming_the_option_and_never_the_password(string? address, string expected)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddHealthChecks().AddCordaGrpcHealthProbe(o => o.Address = address is null ? null : new Uri(address), name: "bad-probe");
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        output.WriteLine(error.Message);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TLS_settings_on_an_http_address_and_a_bad_timeout_are_refused_naming_the_options()
    {
        var options = new GrpcHealthProbeOptions { Address = new Uri("http://proxy:9000"), Timeout = TimeSpan.Zero };
        options.TrustedCertificateAuthorities.Add(Ca);
        var error = Assert.Throws<OptionsValidationException>(() => new GrpcHealthProbeHealthCheck(options));
        output.WriteLine(error.Message);
        Assert.Contains("GrpcHealthProbeOptions.TrustedCertificateAuthorities", error.Message, StringComparison.Ordinal);
        Assert.Contains("apply to https:// addresses only", error.Message, StringComparison.Ordinal);
        Assert.Contains("GrpcHealthProbeOptions.Timeout must be positive", error.Message, StringComparison.Ordinal);
    }
}
