using Corda.HighAvailability.Probes.JournalStorage;
using Corda.HighAvailability.Probes.Tcp;
using Corda.HighAvailability.Probes.Tls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Probes.Tests.DependencyInjection;

/// <summary>Bad options fail the host at start, with messages that name the option (and never a password).</summary>
public sealed class OptionsValidationTests
{
    [Fact]
    public async Task A_bad_TCP_port_fails_the_host_at_start_naming_the_option()
    {
        var error = await StartFailsAsync(hc => hc.AddCordaTcpProbe(o => o.Host = "127.0.0.1", name: "p2p"));

        Assert.Contains("TcpProbeOptions.Port must be 1-65535 (was 0).", error.Message, StringComparison.Ordinal);
        Assert.Equal("p2p", error.OptionsName);
    }

    [Fact]
    public async Task A_bad_TLS_port_fails_the_host_at_start_naming_the_option_and_not_the_password()
    {
        const string Password = "Hunter2-pfx-password";
        var error = await StartFailsAsync(hc => hc.AddCordaTlsProbe(o =>
        {
            o.Host = "127.0.0.1";
            o.ClientCertificatePassword = Password;
        }));

        Assert.Contains("TlsProbeOptions.Port must be 1-65535 (was 0).", error.Message, StringComparison.Ordinal);
        Assert.Contains("TlsProbeOptions.ClientCertificatePassword is set but TlsProbeOptions.ClientCertificatePath is not", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_relative_journal_directory_fails_the_host_at_start_naming_the_option()
    {
        var error = await StartFailsAsync(hc => hc.AddCordaJournalStorageProbe(o => o.DirectoryPath = "artemis/journal"));

        Assert.Contains("JournalStorageProbeOptions.DirectoryPath must be an absolute path (was 'artemis/journal').", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Valid_probes_start()
    {
        using var directory = new Infrastructure.TempDirectory();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddHealthChecks()
            .AddCordaTcpProbe(o => { o.Host = "127.0.0.1"; o.Port = 10002; }, name: "p2p")
            .AddCordaTcpProbe(o => { o.Host = "127.0.0.1"; o.Port = 10003; }, name: "rpc")
            .AddCordaTlsProbe(o => { o.Host = "127.0.0.1"; o.Port = 10002; })
            .AddCordaJournalStorageProbe(o => o.DirectoryPath = directory.Path);
        using var host = builder.Build();

        await host.StartAsync(TestContext.Current.CancellationToken);
        await host.StopAsync(TestContext.Current.CancellationToken);

        var tcp = host.Services.GetRequiredService<IOptionsMonitor<TcpProbeOptions>>();
        Assert.Equal(10002, tcp.Get("p2p").Port);
        Assert.Equal(10003, tcp.Get("rpc").Port);
    }

    [Theory]
    [InlineData("Host", "TcpProbeOptions.Host is required")]
    [InlineData("Host space", "TcpProbeOptions.Host must be a host name or an IP address (was 'a b').")]
    [InlineData("Timeout", "TcpProbeOptions.Timeout must be positive and at most 00:05:00 (was 00:00:00).")]
    public void TCP_options_are_refused_naming_the_option(string what, string message)
    {
        var options = new TcpProbeOptions { Host = "localhost", Port = 10002 };
        switch (what)
        {
            case "Host": options.Host = " "; break;
            case "Host space": options.Host = "a b"; break;
            case "Timeout": options.Timeout = TimeSpan.Zero; break;
        }

        var result = new TcpProbeOptionsValidator().Validate("x", options);

        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
        Assert.Throws<OptionsValidationException>(() => new TcpProbeHealthCheck(options));
    }

    [Theory]
    [InlineData("Pin", "TlsProbeOptions.PinnedThumbprints must hold SHA-256 (64 hex digits) or SHA-1 (40 hex digits) thumbprints (was 'abc').")]
    [InlineData("Key", "TlsProbeOptions.ClientCertificateKeyPath is set but TlsProbeOptions.ClientCertificatePath is not")]
    [InlineData("Expiry", "TlsProbeOptions.ExpiryWarning must not be negative (was -1.00:00:00).")]
    [InlineData("Protocols", "TlsProbeOptions.EnabledProtocols may offer only Tls12 and Tls13")]
    public void TLS_options_are_refused_naming_the_option(string what, string message)
    {
        var options = new TlsProbeOptions { Host = "localhost", Port = 10002 };
        switch (what)
        {
            case "Pin": options.PinnedThumbprints.Add("abc"); break;
            case "Key": options.ClientCertificateKeyPath = "/etc/ssl/client.key"; break;
            case "Expiry": options.ExpiryWarning = TimeSpan.FromDays(-1); break;
#pragma warning disable CS0618, SYSLIB0039 // Refused on purpose.
            case "Protocols": options.EnabledProtocols = System.Security.Authentication.SslProtocols.Tls11; break;
#pragma warning restore CS0618, SYSLIB0039
        }

        var result = new TlsProbeOptionsValidator().Validate("x", options);

        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BlockSize", "JournalStorageProbeOptions.BlockSize must be 1-67108864 bytes (was 0).")]
    [InlineData("LatencySamples", "JournalStorageProbeOptions.LatencySamples must be 1-10000 (was 0).")]
    [InlineData("LatencyBudget", "JournalStorageProbeOptions.LatencyBudget must not be negative")]
    [InlineData("MinimumFreeBytes", "JournalStorageProbeOptions.MinimumFreeBytes must not be negative (was -1).")]
    [InlineData("ServerLockFileName", "JournalStorageProbeOptions.ServerLockFileName must be a file name inside the directory (was '../server.lock').")]
    [InlineData("ExpectedNodeId", "JournalStorageProbeOptions.ExpectedNodeId must be a node ID of 32 hex digits")]
    [InlineData("Expectation", "JournalStorageProbeOptions.ServerLockExpectation is Held but JournalStorageProbeOptions.InspectServerLock is false")]
    public void Journal_storage_options_are_refused_naming_the_option(string what, string message)
    {
        var options = new JournalStorageProbeOptions { DirectoryPath = "/var/corda/artemis/journal" };
        switch (what)
        {
            case "BlockSize": options.BlockSize = 0; break;
            case "LatencySamples": options.LatencySamples = 0; break;
            case "LatencyBudget": options.LatencyBudget = TimeSpan.FromMilliseconds(-1); break;
            case "MinimumFreeBytes": options.MinimumFreeBytes = -1; break;
            case "ServerLockFileName": options.ServerLockFileName = "../server.lock"; break;
            case "ExpectedNodeId": options.ExpectedNodeId = "node-1"; break;
            case "Expectation": options.ServerLockExpectation = ServerLockExpectation.Held; options.InspectServerLock = false; break;
        }

        var result = new JournalStorageProbeOptionsValidator().Validate("x", options);

        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_are_valid_once_the_endpoint_is_set()
    {
        Assert.True(new TcpProbeOptionsValidator().Validate(null, new TcpProbeOptions { Host = "h", Port = 1 }).Succeeded);
        Assert.True(new TlsProbeOptionsValidator().Validate(null, new TlsProbeOptions { Host = "h", Port = 1 }).Succeeded);
        Assert.True(new JournalStorageProbeOptionsValidator().Validate(null, new JournalStorageProbeOptions { DirectoryPath = "/j" }).Succeeded);
        Assert.Equal(TimeSpan.FromDays(30), new TlsProbeOptions().ExpiryWarning);
        Assert.Equal(TimeSpan.FromMilliseconds(100), new JournalStorageProbeOptions().LatencyBudget);
        Assert.Equal(1024 * 1024, new JournalStorageProbeOptions().BlockSize);
    }

    private static async Task<OptionsValidationException> StartFailsAsync(Action<IHealthChecksBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        configure(builder.Services.AddHealthChecks());
        using var host = builder.Build();
        return await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
    }
}
