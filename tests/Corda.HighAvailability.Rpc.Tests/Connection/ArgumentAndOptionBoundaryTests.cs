using Corda.HighAvailability.Diagnostics;
using Corda.HighAvailability.Rpc.Calls;
using Corda.HighAvailability.Rpc.Endpoints;
using Corda.HighAvailability.Rpc.Health;
using Corda.HighAvailability.Rpc.Retry;
using Corda.HighAvailability.Rpc.Telemetry;
using Corda.HighAvailability.Rpc.Tests.Infrastructure;
using Corda.HighAvailability.Rpc.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace Corda.HighAvailability.Rpc.Tests.Connection;

/// <summary>Public entry points refuse missing arguments by name, and the options validator's limits are inclusive.</summary>
public sealed class ArgumentAndOptionBoundaryTests
{
    private static ResilientRpcOptions Valid()
    {
        var options = new ResilientRpcOptions();
        options.Endpoints.Add(new RpcEndpoint("a", new Uri("tcp://a:1")));
        return options;
    }

    [Fact]
    public void Missing_arguments_are_refused_naming_the_parameter()
    {
        var transport = new FakeTransport();
        var endpoint = new Uri("tcp://a:1");
        Assert.Equal("name", Assert.ThrowsAny<ArgumentException>(() => new ResilientRpcConnection<FakeClient>(" ", transport, Valid())).ParamName);
        Assert.Equal("transport", Assert.Throws<ArgumentNullException>(() => new ResilientRpcConnection<FakeClient>("x", null!, Valid())).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new ResilientRpcConnection<FakeClient>("x", transport, null!)).ParamName);
        Assert.Equal("name", Assert.ThrowsAny<ArgumentException>(() => new RpcEndpoint("", endpoint)).ParamName);
        Assert.Equal("address", Assert.Throws<ArgumentNullException>(() => new RpcEndpoint("a", null!)).ParamName);
        Assert.Equal("leaderName", Assert.Throws<ArgumentNullException>(() => new LeaderEndpointSelector(null!)).ParamName);
        Assert.Equal("delays", Assert.Throws<ArgumentNullException>(() => new FixedDelaysRetryPolicy(null!)).ParamName);
        Assert.Equal("connection", Assert.Throws<ArgumentNullException>(() => new ResilientRpcHealthCheck(null!)).ParamName);
        Assert.Equal("instrumentation", Assert.Throws<ArgumentNullException>(() => new RpcMetrics(null!)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new ResilientRpcOptionsValidator().Validate("x", null!)).ParamName);

        var connection = new ResilientRpcConnection<FakeClient>("x", transport, Valid());
        Assert.Equal("call", Assert.Throws<ArgumentNullException>(() => { _ = connection.InvokeAsync<string>(null!); }).ParamName);
        Assert.Equal("subscribe", Assert.Throws<ArgumentNullException>(() => connection.AddSubscription(null!)).ParamName);
        Assert.Equal("context", Assert.Throws<ArgumentNullException>(() => { _ = new ResilientRpcHealthCheck(connection).CheckHealthAsync(null!); }).ParamName);
    }

    [Fact]
    public void Registration_refuses_missing_arguments_naming_the_parameter()
    {
        var services = new ServiceCollection();
        Func<IServiceProvider, IRpcTransport<FakeClient>> transport = _ => new FakeTransport();
        services.AddCordaHa(ha =>
        {
            Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => ResilientRpcCordaHaBuilderExtensions.AddResilientRpc(null!, "n", transport, _ => { })).ParamName);
            Assert.Equal("name", Assert.ThrowsAny<ArgumentException>(() => ha.AddResilientRpc(" ", transport, _ => { })).ParamName);
            Assert.Equal("transport", Assert.Throws<ArgumentNullException>(() => ha.AddResilientRpc<FakeClient>("n", null!, _ => { })).ParamName);
            Assert.Equal("configure", Assert.Throws<ArgumentNullException>(() => ha.AddResilientRpc("n", transport, null!)).ParamName);
            ha.AddResilientRpc("ok", transport, o => o.Endpoints.Add(new RpcEndpoint("a", new Uri("tcp://a:1"))));
        });
        var checks = services.AddHealthChecks();
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => ResilientRpcHealthCheckBuilderExtensions.AddCordaRpcConnection(null!, "n")).ParamName);
        Assert.Equal("connectionName", Assert.ThrowsAny<ArgumentException>(() => checks.AddCordaRpcConnection(" ")).ParamName);
        using var provider = services.BuildServiceProvider();
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => provider.GetRequiredService<IResilientRpcConnectionFactory>().Get(null!)).ParamName);
    }

    [Fact]
    public void The_validators_limits_are_inclusive()
    {
        var validator = new ResilientRpcOptionsValidator();
        var atLimits = Valid();
        atLimits.Endpoints.Add(new RpcEndpoint(new string('n', ResilientRpcOptionsValidator.MaxEndpointNameLength), new Uri("tcp://b:1")));
        atLimits.ConnectTimeout = ResilientRpcOptions.MaxConnectTimeout;
        atLimits.DefaultWaitForConnection = ResilientRpcOptions.MaxWaitForConnection;
        atLimits.MaxWaitingCalls = 1_000_000;
        atLimits.MaxCallAttempts = 100;
        atLimits.EventBufferCapacity = 100_000;
        Assert.True(validator.Validate("x", atLimits).Succeeded, validator.Validate("x", atLimits).FailureMessage);

        var lowest = Valid();
        lowest.DefaultWaitForConnection = TimeSpan.Zero;
        lowest.MaxWaitingCalls = 0;
        lowest.MaxCallAttempts = 1;
        lowest.EventBufferCapacity = 1;
        lowest.ConnectTimeout = TimeSpan.FromTicks(1);
        Assert.True(validator.Validate("x", lowest).Succeeded, validator.Validate("x", lowest).FailureMessage);

        var beyond = Valid();
        beyond.Endpoints.Add(new RpcEndpoint(new string('n', ResilientRpcOptionsValidator.MaxEndpointNameLength + 1), new Uri("tcp://b:1")));
        beyond.ConnectTimeout = ResilientRpcOptions.MaxConnectTimeout + TimeSpan.FromTicks(1);
        beyond.DefaultWaitForConnection = TimeSpan.FromTicks(-1);
        beyond.MaxWaitingCalls = 1_000_001;
        var failures = validator.Validate("x", beyond).FailureMessage;
        foreach (var expected in new[] { "Endpoints[1].Name must be at most 128", "ConnectTimeout must be positive", "DefaultWaitForConnection must be between 0", "MaxWaitingCalls must be 0-1000000 (was 1000001)" })
        {
            Assert.Contains(expected, failures, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validation_messages_are_scoped_by_connection_name_print_control_characters_and_name_a_missing_endpoint_name()
    {
        var validator = new ResilientRpcOptionsValidator();
        var options = new ResilientRpcOptions();
        options.Endpoints.Add(new RpcEndpoint { Name = "a\nb", Address = new Uri("tcp://a:1") });
        options.Endpoints.Add(new RpcEndpoint { Address = new Uri("tcp://b:1") });
        options.Endpoints.Add(null!);

        var unnamed = validator.Validate(string.Empty, options).FailureMessage;
        Assert.StartsWith("ResilientRpcOptions.Endpoints[0].Name must be at most 128 characters without spaces or control characters (was 'a\\u000ab').", unnamed, StringComparison.Ordinal);
        Assert.Contains("ResilientRpcOptions.Endpoints[1].Name is required.", unnamed, StringComparison.Ordinal);
        Assert.Contains("ResilientRpcOptions.Endpoints[2] is null.", unnamed, StringComparison.Ordinal);
        Assert.StartsWith("RPC connection 'gw\\u0007': ResilientRpcOptions.Endpoints[0]", validator.Validate("gw\a", options).FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_delay_list_with_one_negative_delay_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FixedDelaysRetryPolicy([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(-1)]));

    [Fact]
    public void A_lost_call_exception_made_without_details_says_the_request_may_have_reached_the_server()
    {
        // The safe default: a caller that cannot tell must look the request up before running it again.
        Assert.Equal((true, string.Empty), (new RpcConnectionLostException().MayHaveReachedServer, new RpcConnectionLostException().RequestId));
        Assert.Equal((true, string.Empty), (new RpcConnectionLostException("lost").MayHaveReachedServer, new RpcConnectionLostException("lost").RequestId));
    }

    [Fact]
    public void An_instrumentation_is_given_one_set_of_instruments()
    {
        using var instrumentation = new CordaHaInstrumentation();
        Assert.Same(RpcMetrics.For(instrumentation), RpcMetrics.For(instrumentation));
    }
}
