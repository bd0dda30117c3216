using Corda.HighAvailability.Diagnostics;
using Corda.HighAvailability.Rpc.Calls;
using Corda.HighAvailability.Rpc.Health;
using Corda.HighAvailability.Rpc.State;
using Corda.HighAvailability.Rpc.Telemetry;
using Corda.HighAvailability.Rpc.Tests.Infrastructure;
using Corda.HighAvailability.Rpc.Transport;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Corda.HighAvailability.Rpc.Tests.Connection;

public sealed class HealthAndMetricsTests
{
    private static Task<HealthCheckResult> Check(IResilientRpcConnection connection, HealthStatus failureStatus = HealthStatus.Unhealthy) =>
        new ResilientRpcHealthCheck(connection).CheckHealthAsync(new HealthCheckContext
        {
            Registration = new HealthCheckRegistration("rpc", _ => null!, failureStatus, null),
        });

    [Fact]
    public async Task Health_follows_the_state_healthy_degraded_while_reconnecting_unhealthy_before_connecting_and_when_closed()
    {
        var h = new Harness(o => o.ReconnectPolicy = new Retry.FixedDelaysRetryPolicy([TimeSpan.Zero, TimeSpan.FromSeconds(10)]));
        Assert.Equal(HealthStatus.Unhealthy, (await Check(h.Connection)).Status);

        await h.Connection.ConnectAsync();
        var healthy = await Check(h.Connection);
        Assert.Equal(HealthStatus.Healthy, healthy.Status);
        Assert.Equal(("Connected", "a"), (healthy.Data["state"], healthy.Data["endpoint"]));

        h.Transport.SetDown("a");
        h.Transport.SetDown("b");
        h.Transport.Current!.Drop();
        await Eventually.True(() => h.Connection.State.Attempt == 2, "attempt 2");
        var degraded = await Check(h.Connection);
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Equal(("Reconnecting", 2, "b"), (degraded.Data["state"], degraded.Data["attempt"], degraded.Data["endpoint"]));
        Assert.Equal("2026-11-30T12:00:00.0000000+00:00", degraded.Data["disconnectedSince"]);
        Assert.Contains("reconnecting", degraded.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Degraded, (await Check(h.Connection, HealthStatus.Degraded)).Status);

        await h.Time.AdvanceUntil(() => h.Connection.State.Status == RpcConnectionStatus.Closed, TimeSpan.FromSeconds(1), "gave up");
        var closed = await Check(h.Connection);
        Assert.Equal(HealthStatus.Unhealthy, closed.Status);
        Assert.Contains("gave up", closed.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_report_state_reconnects_time_disconnected_and_calls_failed_fast()
    {
        using var instrumentation = new CordaHaInstrumentation();
        await using var h = new Harness(instrumentation: instrumentation);
        using var state = new MetricCollector<int>(instrumentation.Meter, RpcMetrics.StateName);
        using var reconnects = new MetricCollector<long>(instrumentation.Meter, RpcMetrics.ReconnectsName);
        using var disconnected = new MetricCollector<double>(instrumentation.Meter, RpcMetrics.DisconnectedDurationName);
        using var failedFast = new MetricCollector<long>(instrumentation.Meter, RpcMetrics.FailedFastName);

        await h.Connection.ConnectAsync();
        state.RecordObservableInstruments();
        var connected = state.GetMeasurementSnapshot().Single(m => (string)m.Tags[RpcMetrics.StateTag]! == "connected" && (string)m.Tags[RpcMetrics.ConnectionTag]! == "test");
        Assert.Equal(1, connected.Value);

        h.Transport.SetDown("a");
        h.Transport.SetDown("b");
        h.Transport.Current!.Drop();
        await Eventually.True(() => h.Connection.State.Attempt == 2, "attempt 2");
        await Assert.ThrowsAsync<RpcUnavailableException>(() => h.Connection.InvokeAsync(static (c, ctx) => c.CallAsync(ctx.RequestId, "x")));
        state.RecordObservableInstruments();
        Assert.Equal(1, state.GetMeasurementSnapshot().Last(m => (string)m.Tags[RpcMetrics.StateTag]! == "reconnecting").Value);
        Assert.Equal(0, state.GetMeasurementSnapshot().Last(m => (string)m.Tags[RpcMetrics.StateTag]! == "connected").Value);

        h.Transport.SetDown("b", false);
        await h.Time.AdvanceUntil(() => h.Connection.State.Status == RpcConnectionStatus.Connected, TimeSpan.FromMilliseconds(250), "reconnected");

        var reconnect = Assert.Single(reconnects.GetMeasurementSnapshot());
        Assert.Equal((1L, "b", "test"), (reconnect.Value, reconnect.Tags[RpcMetrics.EndpointTag], reconnect.Tags[RpcMetrics.ConnectionTag]));
        var outage = Assert.Single(disconnected.GetMeasurementSnapshot());
        Assert.InRange(outage.Value, 1.0, 2.0);
        var refused = Assert.Single(failedFast.GetMeasurementSnapshot());
        Assert.Equal("disconnected", refused.Tags[RpcMetrics.ReasonTag]);
    }

    [Fact]
    public async Task Connection_attempts_are_traced_as_activities()
    {
        using var instrumentation = new CordaHaInstrumentation();
        var activities = new List<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = s => ReferenceEquals(s, instrumentation.ActivitySource),
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (activities)
                {
                    activities.Add(a);
                }
            },
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        await using var h = new Harness(instrumentation: instrumentation);
        h.Transport.SetDown("a");

        await h.Connection.ConnectAsync();

        lock (activities)
        {
            Assert.Equal(
                [("a", System.Diagnostics.ActivityStatusCode.Error), ("b", System.Diagnostics.ActivityStatusCode.Ok)],
                activities.Where(a => a.OperationName == RpcMetrics.ConnectActivityName).Select(a => ((string)a.GetTagItem(RpcMetrics.EndpointTag)!, a.Status)));
            Assert.Equal(
                [("test", 1), ("test", 2)],
                activities.Where(a => a.OperationName == RpcMetrics.ConnectActivityName).Select(a => ((string)a.GetTagItem(RpcMetrics.ConnectionTag)!, (int)a.GetTagItem(RpcMetrics.AttemptTag)!)));
        }
    }

    [Fact]
    public void Health_data_never_contains_the_endpoint_address()
    {
        var state = new RpcConnectionState { Status = RpcConnectionStatus.Connected, Endpoint = new RpcEndpoint("a", new Uri("https://node-a.internal:10003/")) };
        var result = ResilientRpcHealthCheck.Report("x", state, HealthStatus.Unhealthy);
        Assert.DoesNotContain(result.Data.Values, v => v.ToString()!.Contains("node-a.internal", StringComparison.Ordinal));
    }
}
