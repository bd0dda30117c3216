using Corda.HighAvailability.Artemis.Jolokia;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Artemis.Tests.Jolokia;

/// <summary>Bad options fail at start (the host's, or the check's constructor), naming the option and never the password.</summary>
public sealed class JolokiaOptionsTests
{
    private const string Password = "Hunter2-jolokia-password";

    [Fact]
    public async Task A_missing_endpoint_fails_the_host_at_start_naming_the_option()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddHealthChecks().AddCordaArtemisJolokiaProbe(o => o.UserName = "admin", name: "broker");
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("JolokiaProbeOptions.Endpoint is required (for example http://host:8161/console/jolokia).", error.Message, StringComparison.Ordinal);
        Assert.Equal("broker", error.OptionsName);
    }

    [Fact]
    public async Task Without_a_name_it_registers_and_validates_its_options_as_corda_artemis_jolokia()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddHealthChecks().AddCordaArtemisJolokiaProbe(o => o.UserName = "admin");
        using var host = builder.Build();

        var registration = Assert.Single(host.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations);
        Assert.Equal("corda-artemis-jolokia", registration.Name);
        Assert.Equal(JolokiaProbeHealthCheckBuilderExtensions.DefaultName, registration.Name);
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.Equal("corda-artemis-jolokia", error.OptionsName);
    }

    [Fact]
    public void Credentials_in_the_endpoint_are_refused_without_echoing_them()
    {
        var options = Valid();
        options.Endpoint = new Uri($"http://admin:{Password}@broker:8161/console/jolokia");

        var error = Assert.Throws<OptionsValidationException>(() => new JolokiaProbeHealthCheck(options));

        Assert.Contains("JolokiaProbeOptions.Endpoint must not hold credentials (http://broker:8161/console/jolokia): set JolokiaProbeOptions.UserName and JolokiaProbeOptions.Password.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Endpoint scheme", "JolokiaProbeOptions.Endpoint must be an absolute http or https URL (was 'ftp://broker/console/jolokia').")]
    [InlineData("Endpoint query", "JolokiaProbeOptions.Endpoint must not have a query or fragment")]
    [InlineData("UserName colon", "JolokiaProbeOptions.UserName must be non-empty, without ':' or control characters (was 'ad:min').")]
    [InlineData("Password alone", "JolokiaProbeOptions.Password is set but JolokiaProbeOptions.UserName is not: set the user too.")]
    [InlineData("Origin path", "JolokiaProbeOptions.Origin must be an origin, scheme://host[:port] without a path (was 'http://localhost/console').")]
    [InlineData("Origin query", "JolokiaProbeOptions.Origin must be an origin, scheme://host[:port] without a path (was 'http://localhost?a=b').")]
    [InlineData("BrokerName blank", "JolokiaProbeOptions.BrokerName must be a broker name or null to find it (was ' ').")]
    [InlineData("Memory order", "JolokiaProbeOptions.MemoryCriticalPercent must not be below JolokiaProbeOptions.MemoryWarningPercent (was 70 < 80).")]
    [InlineData("Disk range", "JolokiaProbeOptions.DiskWarningPercent must be more than 0 and at most 100 (was 0).")]
    [InlineData("Queue prefix", "JolokiaProbeOptions.QueueThresholds has a prefix that is empty or holds control characters (was '').")]
    [InlineData("Queue threshold", "JolokiaProbeOptions.QueueThresholds['p2p.inbound.'] must not be negative (was -1).")]
    [InlineData("Timeout", "JolokiaProbeOptions.Timeout must be positive and at most 00:05:00 (was 00:00:00).")]
    public void Unusable_options_are_refused_naming_the_option(string what, string message)
    {
        var options = Valid();
        switch (what)
        {
            case "Endpoint scheme": options.Endpoint = new Uri("ftp://broker/console/jolokia"); break;
            case "Endpoint query": options.Endpoint = new Uri("http://broker:8161/console/jolokia?x=1"); break;
            case "UserName colon": options.UserName = "ad:min"; break;
            case "Password alone": options.UserName = null; break;
            case "Origin path": options.Origin = "http://localhost/console"; break;
            case "Origin query": options.Origin = "http://localhost?a=b"; break;
            case "BrokerName blank": options.BrokerName = " "; break;
            case "Memory order": options.MemoryCriticalPercent = 70; break;
            case "Disk range": options.DiskWarningPercent = 0; break;
            case "Queue prefix": options.QueueThresholds[string.Empty] = 5; break;
            case "Queue threshold": options.QueueThresholds["p2p.inbound."] = -1; break;
            case "Timeout": options.Timeout = TimeSpan.Zero; break;
        }

        var result = new JolokiaProbeOptionsValidator().Validate("x", options);

        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost:8161/console/jolokia", null, "http://localhost:8161")]
    [InlineData("https://broker.example/console/jolokia", null, "https://broker.example")]
    [InlineData("http://10.0.0.5:7005/jolokia/", "http://localhost", "http://localhost")]
    [InlineData("http://10.0.0.5:7005/jolokia/", "http://localhost:80", "http://localhost:80")]
    public void The_origin_defaults_to_the_endpoint_s_scheme_host_and_port(string endpoint, string? origin, string expected)
    {
        var options = Valid();
        options.Endpoint = new Uri(endpoint);
        options.Origin = origin;

        Assert.True(new JolokiaProbeOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(expected, origin ?? JolokiaRequest.DefaultOrigin(options.Endpoint));
    }

    private static JolokiaProbeOptions Valid() => new()
    {
        Endpoint = new Uri("http://broker:8161/console/jolokia"),
        UserName = "admin",
        Password = Password,
    };
}
