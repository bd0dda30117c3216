using Corda.HighAvailability.Rpc.State;
using Corda.HighAvailability.Rpc.Tests.Infrastructure;
using Corda.HighAvailability.Rpc.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Rpc.Tests.DependencyInjection;

public sealed class DependencyInjectionTests
{
    private static IHost Build(FakeTransport transport, Action<ResilientRpcOptions>? configure = null, Action<IServiceCollection>? more = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCordaHa(ha => ha.AddResilientRpc<FakeClient>("node", _ => transport, o =>
        {
            o.Endpoints.Add(new RpcEndpoint("a", new Uri("tcp://a:1")));
            o.Endpoints.Add(new RpcEndpoint("b", new Uri("tcp://b:1")));
            configure?.Invoke(o);
        }));
        builder.Services.AddHealthChecks().AddCordaRpcConnection("node", tags: ["ready"]);
        more?.Invoke(builder.Services);
        return builder.Build();
    }

    [Fact]
    public async Task The_host_connects_at_start_and_hands_out_one_shared_connection_by_name_type_and_key()
    {
        var transport = new FakeTransport();
        using var host = Build(transport);
        await host.StartAsync();

        var factory = host.Services.GetRequiredService<IResilientRpcConnectionFactory>();
        var connection = factory.Get<FakeClient>("node");
        Assert.Equal(RpcConnectionStatus.Connected, connection.State.Status);
        Assert.Same(connection, factory.Get("node"));
        Assert.Same(connection, host.Services.GetRequiredKeyedService<ResilientRpcConnection<FakeClient>>("node"));
        Assert.Same(connection, host.Services.GetRequiredKeyedService<IResilientRpcConnection>("node"));
        Assert.Equal(["node"], factory.Names);
        Assert.Equal("a:x", await connection.InvokeAsync(static (c, ctx) => c.CallAsync(ctx.RequestId, "x")));

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, report.Entries["corda-rpc-node"].Status);

        await host.StopAsync();
        Assert.Equal(RpcConnectionStatus.Closed, connection.State.Status);
        Assert.True(transport.Connections.Single().Disposed);
    }

    [Fact]
    public async Task With_ConnectOnStart_off_the_host_starts_without_connecting_and_the_application_connects_when_it_chooses()
    {
        var transport = new FakeTransport();
        transport.SetDown("a");
        transport.SetDown("b");
        using var host = Build(transport, o => o.ConnectOnStart = false);

        // Nothing answers, yet the host starts: it does not try.
        await host.StartAsync();
        var connection = host.Services.GetRequiredService<IResilientRpcConnectionFactory>().Get("node");
        Assert.Equal(RpcConnectionStatus.NotStarted, connection.State.Status);
        Assert.Empty(transport.ConnectAttempts);

        transport.SetDown("a", false);
        await connection.ConnectAsync();
        Assert.Equal((RpcConnectionStatus.Connected, "a"), (connection.State.Status, connection.State.Endpoint!.Name));
        await host.StopAsync();
        Assert.Equal(RpcConnectionStatus.Closed, connection.State.Status);
    }

    [Fact]
    public async Task Without_initial_retry_the_host_does_not_start_when_no_endpoint_answers()
    {
        var transport = new FakeTransport();
        transport.SetDown("a");
        transport.SetDown("b");
        using var host = Build(transport);

        var error = await Assert.ThrowsAsync<Calls.RpcUnavailableException>(() => host.StartAsync());
        Assert.Contains("did not connect", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_initial_retry_the_host_starts_and_the_connection_keeps_trying_in_the_background()
    {
        var transport = new FakeTransport();
        transport.SetDown("a");
        transport.SetDown("b");
        using var host = Build(transport, o =>
        {
            o.RetryInitialConnection = true;
            o.ReconnectPolicy = new Retry.FixedDelaysRetryPolicy([TimeSpan.FromMilliseconds(20)], repeatLast: true);
        });

        await host.StartAsync();
        var connection = host.Services.GetRequiredService<IResilientRpcConnectionFactory>().Get("node");
        await Eventually.True(() => transport.ConnectAttempts.Count >= 3, "retrying");
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, report.Entries["corda-rpc-node"].Status);

        transport.SetDown("b", false);
        await Eventually.True(() => connection.State.Status == RpcConnectionStatus.Connected, "connected");
        await host.StopAsync();
    }

    [Fact]
    public async Task Invalid_options_stop_the_host_at_start_with_messages_naming_the_option()
    {
        var transport = new FakeTransport();
        using var host = Build(transport, o =>
        {
            o.Endpoints.Add(new RpcEndpoint { Name = "a", Address = new Uri("tcp://dup:1") });
            o.Endpoints.Add(new RpcEndpoint { Name = "c", Address = new Uri("tcp://admin:s3cret@c:1") });
            o.ConnectTimeout = TimeSpan.Zero;
            o.MaxWaitingCalls = -1;
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("RPC connection 'node': ResilientRpcOptions.Endpoints[2].Name 'a' is used by another endpoint", error.Message, StringComparison.Ordinal);
        Assert.Contains("ResilientRpcOptions.Endpoints[3].Address must not carry credentials", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
        Assert.Contains("ResilientRpcOptions.ConnectTimeout must be positive", error.Message, StringComparison.Ordinal);
        Assert.Contains("ResilientRpcOptions.MaxWaitingCalls must be 0-1000000 (was -1)", error.Message, StringComparison.Ordinal);
        Assert.Empty(transport.ConnectAttempts);
    }

    [Fact]
    public void A_name_registered_twice_and_unknown_names_or_types_are_refused_with_the_reason()
    {
        var services = new ServiceCollection();
        services.AddCordaHa(ha => ha.AddResilientRpc<FakeClient>("node", _ => new FakeTransport(), o => o.Endpoints.Add(new RpcEndpoint("a", new Uri("tcp://a:1")))));
        var duplicate = Assert.Throws<InvalidOperationException>(() =>
            services.AddCordaHa(ha => ha.AddResilientRpc<FakeClient>("node", _ => new FakeTransport(), _ => { })));
        Assert.Contains("'node' is already registered", duplicate.Message, StringComparison.Ordinal);

        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IResilientRpcConnectionFactory>();
        Assert.Contains("registered: node", Assert.Throws<InvalidOperationException>(() => factory.Get("other")).Message, StringComparison.Ordinal);
        Assert.Contains("not System.String", Assert.Throws<InvalidOperationException>(() => factory.Get<string>("node")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_transport_type_is_built_from_the_container_and_a_synchronously_disposed_container_closes_the_connection()
    {
        var services = new ServiceCollection();
        services.AddSingleton<FakeTransport>();
        services.AddCordaHa(ha => ha.AddResilientRpc<FakeClient, ContainerTransport>("node", o => o.Endpoints.Add(new RpcEndpoint("a", new Uri("tcp://a:1")))));
        IResilientRpcConnection connection;
        FakeTransport inner;
        using (var provider = services.BuildServiceProvider())
        {
            connection = provider.GetRequiredKeyedService<IResilientRpcConnection>("node");
            await connection.ConnectAsync();
            inner = provider.GetRequiredService<FakeTransport>();
            Assert.Single(inner.Connections);
        }

        Assert.Equal(RpcConnectionStatus.Closed, connection.State.Status);
        Assert.True(inner.Connections.Single().Disposed);
    }

    /// <summary>A transport with a constructor dependency, as <c>AddResilientRpc&lt;TClient, TTransport&gt;</c> resolves it.</summary>
    private sealed class ContainerTransport(FakeTransport inner) : IRpcTransport<FakeClient>
    {
        public ValueTask<IRpcTransportConnection<FakeClient>> ConnectAsync(RpcEndpoint endpoint, CancellationToken cancellationToken) => inner.ConnectAsync(endpoint, cancellationToken);

        public RpcFailureKind Classify(Exception exception) => inner.Classify(exception);
    }

    [Fact]
    public void Options_that_make_sense_pass_and_each_unusable_value_is_named()
    {
        var validator = new ResilientRpcOptionsValidator();
        var good = new ResilientRpcOptions();
        good.Endpoints.Add(new RpcEndpoint("a", new Uri("http://a:1")));
        Assert.True(validator.Validate("x", good).Succeeded);

        var empty = validator.Validate("x", new ResilientRpcOptions());
        Assert.Contains("ResilientRpcOptions.Endpoints is required", empty.FailureMessage, StringComparison.Ordinal);

        var bad = new ResilientRpcOptions
        {
            ReconnectPolicy = null!,
            EndpointSelector = null!,
            DefaultWaitForConnection = TimeSpan.FromHours(1),
            MaxCallAttempts = 0,
            EventBufferCapacity = 0,
        };
        bad.Endpoints.Add(new RpcEndpoint { Name = "has space", Address = new Uri("/relative", UriKind.Relative) });
        bad.Endpoints.Add(new RpcEndpoint { Name = "", Address = null });
        var failures = validator.Validate("x", bad).FailureMessage;
        foreach (var expected in new[]
                 {
                     "Endpoints[0].Name must be at most 128 characters without spaces", "Endpoints[0].Address must be an absolute URI",
                     "Endpoints[1].Name is required", "Endpoints[1].Address is required", "ReconnectPolicy is required", "EndpointSelector is required",
                     "DefaultWaitForConnection must be between 0", "MaxCallAttempts must be 1-100", "EventBufferCapacity must be 1-100000",
                 })
        {
            Assert.Contains(expected, failures, StringComparison.Ordinal);
        }
    }
}
