using Corda.HighAvailability.Rpc.Health;
using Corda.HighAvailability.Rpc.State;
using Corda.HighAvailability.Rpc.Transport;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Rpc.Tests.Connection;

/// <summary>The health check's mapping of each state to a status, a description and data, for each failure status a registration may choose.</summary>
public sealed class HealthReportTests
{
    private static readonly RpcEndpoint NodeB = new("node-b", new Uri("tcp://node-b:10003"));
    private static readonly DateTimeOffset Lost = new(2026, 11, 30, 12, 0, 5, TimeSpan.Zero);

    [Theory]
    [InlineData(RpcConnectionStatus.NotStarted, HealthStatus.Unhealthy, HealthStatus.Unhealthy)]
    [InlineData(RpcConnectionStatus.NotStarted, HealthStatus.Degraded, HealthStatus.Degraded)]
    [InlineData(RpcConnectionStatus.Connecting, HealthStatus.Unhealthy, HealthStatus.Unhealthy)]
    [InlineData(RpcConnectionStatus.Connecting, HealthStatus.Degraded, HealthStatus.Degraded)]
    [InlineData(RpcConnectionStatus.Connected, HealthStatus.Unhealthy, HealthStatus.Healthy)]
    [InlineData(RpcConnectionStatus.Disconnected, HealthStatus.Unhealthy, HealthStatus.Degraded)]
    [InlineData(RpcConnectionStatus.Reconnecting, HealthStatus.Unhealthy, HealthStatus.Degraded)]
    [InlineData(RpcConnectionStatus.Reconnecting, HealthStatus.Degraded, HealthStatus.Degraded)]
    // A registration that must never fail (failure status Healthy) stays Healthy while reconnecting.
    [InlineData(RpcConnectionStatus.Reconnecting, HealthStatus.Healthy, HealthStatus.Healthy)]
    [InlineData(RpcConnectionStatus.Disconnected, HealthStatus.Healthy, HealthStatus.Healthy)]
    [InlineData(RpcConnectionStatus.Closed, HealthStatus.Unhealthy, HealthStatus.Unhealthy)]
    [InlineData(RpcConnectionStatus.Closed, HealthStatus.Degraded, HealthStatus.Degraded)]
    public void Each_state_maps_to_its_status(RpcConnectionStatus status, HealthStatus failureStatus, HealthStatus expected)
    {
        var result = ResilientRpcHealthCheck.Report("node", new RpcConnectionState { Status = status, Endpoint = NodeB }, failureStatus);
        Assert.Equal(expected, result.Status);
        Assert.Equal(status.ToString(), result.Data["state"]);
        Assert.Contains("'node'", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Reconnecting_data_and_description_say_which_attempt_where_since_when_and_why()
    {
        var failure = new TimeoutException("No connection to node-b within 20 s.");
        var state = new RpcConnectionState
        {
            Status = RpcConnectionStatus.Reconnecting,
            Endpoint = NodeB,
            Attempt = 3,
            NextAttemptAt = Lost.AddSeconds(4),
            DisconnectedSince = Lost,
            Reason = "No connection to node-b within 20 s.",
            LastError = failure,
            HasConnected = true,
        };

        var result = ResilientRpcHealthCheck.Report("node", state, HealthStatus.Unhealthy);

        Assert.Equal(
            new Dictionary<string, object>
            {
                ["connection"] = "node",
                ["state"] = "Reconnecting",
                ["attempt"] = 3,
                ["endpoint"] = "node-b",
                ["disconnectedSince"] = "2026-11-30T12:00:05.0000000+00:00",
                ["nextAttemptAt"] = "2026-11-30T12:00:09.0000000+00:00",
                ["reason"] = "No connection to node-b within 20 s.",
            },
            result.Data.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary());
        Assert.Equal("RPC connection 'node' is reconnecting: attempt 3 on node-b, disconnected since 12:00:05 UTC. Last error: No connection to node-b within 20 s.", result.Description);
    }

    [Fact]
    public void Connected_data_carries_the_time_of_the_connection_and_a_closed_report_carries_the_error()
    {
        var connected = ResilientRpcHealthCheck.Report(
            "node",
            new RpcConnectionState { Status = RpcConnectionStatus.Connected, Endpoint = NodeB, ConnectedSince = Lost.ToOffset(TimeSpan.FromHours(2)) },
            HealthStatus.Unhealthy);
        Assert.Equal("2026-11-30T12:00:05.0000000+00:00", connected.Data["connectedSince"]);
        Assert.Equal("RPC connection 'node' is connected to node-b.", connected.Description);
        Assert.False(connected.Data.ContainsKey("disconnectedSince"));
        Assert.False(connected.Data.ContainsKey("reason"));

        var error = new InvalidOperationException("policy gave up");
        var closed = ResilientRpcHealthCheck.Report(
            "node",
            new RpcConnectionState { Status = RpcConnectionStatus.Closed, Reason = "The reconnect policy gave up.", LastError = error },
            HealthStatus.Unhealthy);
        Assert.Same(error, closed.Exception);
        Assert.Equal("RPC connection 'node' is closed: The reconnect policy gave up.", closed.Description);
        Assert.False(closed.Data.ContainsKey("endpoint"));
    }
}
