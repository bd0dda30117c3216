using Corda.HighAvailability.Artemis.Amqp;
using Corda.HighAvailability.Diagnostics;
using Corda.HighAvailability.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Artemis.Tests.Amqp;

/// <summary>The probe as a host registers it: one check per registration, disposed with the host; options validated at start.</summary>
public sealed class AmqpProbeRegistrationTests(RabbitMqServer broker) : IClassFixture<RabbitMqServer>
{
    [Fact]
    public async Task The_registered_probe_reuses_one_connection_reports_metrics_and_closes_it_with_the_host()
    {
        Assert.SkipWhen(RabbitMqServer.MissingReason is not null, RabbitMqServer.MissingReason ?? string.Empty);
        var queue = await AmqpProbe.NewQueueAsync(broker);
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddHealthChecks().AddCordaArtemisAmqpProbe(
            o =>
            {
                o.Address = broker.AmqpUri;
                o.RoundTripAddress = queue;
                o.Timeout = TimeSpan.FromSeconds(15);
            },
            tags: ["ready"]);
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        var instrumentation = host.Services.GetRequiredService<CordaHaInstrumentation>();
        using var durations = new MetricCollector<double>(instrumentation.Meter, "corda_ha.probe.duration");
        using var opened = new MetricCollector<long>(instrumentation.Meter, AmqpProbeMetrics.ConnectionsOpenedName);
        var health = host.Services.GetRequiredService<HealthCheckService>();

        HealthReport? report = null;
        for (var i = 0; i < 5; i++)
        {
            report = await health.CheckHealthAsync(TestContext.Current.CancellationToken);
        }

        var entry = report!.Entries[AmqpProbeHealthCheckBuilderExtensions.DefaultName];
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Contains("ready", entry.Tags);
        Assert.Equal(1L, entry.Data["connectionsOpened"]);
        Assert.Equal(5L, entry.Data["probesOnConnection"]);
        Assert.Equal(5, durations.GetMeasurementSnapshot().Count(m => (string?)m.Tags["corda_ha.probe.kind"] == "amqp"));
        Assert.Equal(1, opened.GetMeasurementSnapshot().Sum(m => m.Value));
        var ours = await AmqpProbe.BrokerConnectionsFromUsAsync(broker, 1);
        Assert.Single(ours);

        await host.StopAsync(TestContext.Current.CancellationToken);
        host.Dispose();

        Assert.Empty(ProcessSockets.LocalPortsConnectedTo(broker.AmqpPort));
        Assert.Equal(0, await AmqpProbe.BrokerStillListsAsync(broker, ours));
    }

    [Fact]
    public async Task Unusable_options_fail_the_host_at_start_naming_the_option_and_never_the_password()
    {
        const string Password = "S3cret-in-the-uri";
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddHealthChecks()
            .AddCordaArtemisAmqpProbe(o => o.Address = $"http://probe:{Password}@broker:5672", name: "artemis")
            .AddCordaArtemisAmqpProbe(o => { o.Address = "amqp://broker"; o.Timeout = TimeSpan.Zero; }, name: "slow");
        using var host = builder.Build();

        // Each registration's options are validated: the host reports both.
        var error = await Assert.ThrowsAsync<AggregateException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        var failures = error.InnerExceptions.Cast<OptionsValidationException>().ToDictionary(e => e.OptionsName, e => e.Message);
        Assert.Contains("AmqpProbeOptions.Address must use the amqp or amqps scheme (was 'http')", failures["artemis"], StringComparison.Ordinal);
        Assert.Contains("AmqpProbeOptions.Timeout must be positive", failures["slow"], StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", null, null, "AmqpProbeOptions.Address is required")]
    [InlineData("broker:5672", null, null, "AmqpProbeOptions.Address must use the amqp or amqps scheme (was 'broker')")]
    [InlineData("not a uri", null, null, "AmqpProbeOptions.Address is not an absolute URI")]
    [InlineData("amqp://broker:5672/queue", null, null, "AmqpProbeOptions.Address must be scheme://host:port only")]
    [InlineData("amqp://u:p@broker", "other", null, "AmqpProbeOptions.Address carries a user, and UserName or Password is set too")]
    [InlineData("amqp://broker", null, "p", "AmqpProbeOptions.Password is set but AmqpProbeOptions.UserName is not.")]
    [InlineData("amqp://broker", "user", "p", null)]
    [InlineData("amqps://u:p%40ss@broker", null, null, null)]
    public void Options_are_checked_naming_the_option(string address, string? user, string? password, string? expected)
    {
        var options = new AmqpProbeOptions { Address = address, UserName = user, Password = password };

        var result = new AmqpProbeOptionsValidator().Validate("x", options);

        if (expected is null)
        {
            Assert.True(result.Succeeded, result.FailureMessage);
        }
        else
        {
            Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
            Assert.DoesNotContain(":p@", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Credentials_in_the_URI_are_decoded_and_the_default_ports_follow_the_scheme()
    {
        var endpoint = AmqpEndpoint.Parse(new AmqpProbeOptions { Address = "amqps://probe%40corp:p%40ss%3Aword@broker.example" }, out _)!;

        Assert.Equal(("probe@corp", "p@ss:word", 5671), (endpoint.UserName, endpoint.Password, endpoint.Port));
        Assert.Equal("amqps://broker.example:5671", endpoint.Display);
        Assert.Equal("amqps://broker.example:5671", endpoint.ToString());
        Assert.Equal(5672, AmqpEndpoint.Parse(new AmqpProbeOptions { Address = "amqp://broker" }, out _)!.Port);
    }

    [Fact]
    public void The_constructor_refuses_unusable_options_naming_the_option()
    {
        var error = Assert.Throws<OptionsValidationException>(() => new AmqpProbeHealthCheck(new AmqpProbeOptions { Address = "amqp://broker", RoundTripAddress = " " }));

        Assert.Contains("AmqpProbeOptions.RoundTripAddress must be an address", error.Message, StringComparison.Ordinal);
    }
}
