using Corda.HighAvailability.Diagnostics;
using Corda.HighAvailability.Rpc.Calls;
using Corda.HighAvailability.Rpc.State;
using Corda.HighAvailability.Rpc.Telemetry;
using Corda.HighAvailability.Rpc.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Corda.HighAvailability.Rpc.Tests.Connection;

/// <summary>Metric values a dashboard reads: the state gauge's series, the failed-fast reasons and the disconnected time on close.</summary>
public sealed class MetricsTests
{
    private static Task<string> Call(Harness h, RpcCallOptions? options = null) =>
        h.Connection.InvokeAsync(static (c, ctx) => c.CallAsync(ctx.RequestId, "x", ctx.CancellationToken), options);

    private static Dictionary<string, int> StateSeries(MetricCollector<int> state, string connection)
    {
        state.Clear();
        state.RecordObservableInstruments();
        return state.GetMeasurementSnapshot()
            .Where(m => (string)m.Tags[RpcMetrics.ConnectionTag]! == connection)
            .ToDictionary(m => (string)m.Tags[RpcMetrics.StateTag]!, m => m.Value, StringComparer.Ordinal);
    }

    [Fact]
    public async Task The_state_gauge_has_one_series_per_state_with_1_for_the_current_one_and_stops_when_the_connection_closes()
    {
        using var instrumentation = new CordaHaInstrumentation();
        using var state = new MetricCollector<int>(instrumentation.Meter, RpcMetrics.StateName);
        var h = new Harness(instrumentation: instrumentation);

        Assert.Equal(
            new Dictionary<string, int> { ["not_started"] = 1, ["connecting"] = 0, ["connected"] = 0, ["disconnected"] = 0, ["reconnecting"] = 0, ["closed"] = 0 },
            StateSeries(state, "test"));
        await h.Connection.ConnectAsync();
        Assert.Equal(1, StateSeries(state, "test")["connected"]);

        await h.Connection.CloseAsync();
        Assert.Empty(StateSeries(state, "test"));
    }

    [Theory]
    [InlineData(RpcConnectionStatus.NotStarted, "not_started")]
    [InlineData(RpcConnectionStatus.Connecting, "connecting")]
    [InlineData(RpcConnectionStatus.Connected, "connected")]
    [InlineData(RpcConnectionStatus.Disconnected, "disconnected")]
    [InlineData(RpcConnectionStatus.Reconnecting, "reconnecting")]
    [InlineData(RpcConnectionStatus.Closed, "closed")]
    public void State_tag_values_are_lower_case_names(RpcConnectionStatus status, string expected) =>
        Assert.Equal(expected, RpcMetrics.StatusName(status));

    [Fact]
    public async Task Calls_failed_fast_are_counted_by_reason()
    {
        using var instrumentation = new CordaHaInstrumentation();
        using var failedFast = new MetricCollector<long>(instrumentation.Meter, RpcMetrics.FailedFastName);
        var h = new Harness(o => o.MaxWaitingCalls = 1, instrumentation: instrumentation);
        await h.Connection.ConnectAsync();
        h.Transport.SetDown("a");
        h.Transport.SetDown("b");
        h.Transport.Current!.Drop();
        await Eventually.True(() => h.Connection.State.Attempt == 2, "attempt 2");

        await Assert.ThrowsAsync<RpcUnavailableException>(() => Call(h));
        var waiting = Call(h, new RpcCallOptions { WaitForConnection = TimeSpan.FromSeconds(0.5) });
        await Eventually.True(() => h.Connection.WaitingCalls == 1, "one call waiting");
        await Assert.ThrowsAsync<RpcUnavailableException>(() => Call(h, new RpcCallOptions { WaitForConnection = TimeSpan.FromSeconds(1) }));
        await h.Time.AdvanceUntil(() => waiting.IsCompleted, TimeSpan.FromMilliseconds(100), "wait timed out");
        await Assert.ThrowsAsync<RpcUnavailableException>(() => waiting);
        await h.Connection.CloseAsync();
        await Assert.ThrowsAsync<RpcUnavailableException>(() => Call(h));

        Assert.Equal(
            ["disconnected", "backlog_full", "wait_timed_out", "closed"],
            failedFast.GetMeasurementSnapshot().Select(m => (string)m.Tags[RpcMetrics.ReasonTag]!));
        Assert.All(failedFast.GetMeasurementSnapshot(), m => Assert.Equal((1L, "test"), (m.Value, (string)m.Tags[RpcMetrics.ConnectionTag]!)));
    }

    [Fact]
    public async Task A_reconnection_records_the_time_without_a_connection_as_reconnected_and_counts_one_reconnect()
    {
        using var instrumentation = new CordaHaInstrumentation();
        using var disconnected = new MetricCollector<double>(instrumentation.Meter, RpcMetrics.DisconnectedDurationName);
        using var reconnects = new MetricCollector<long>(instrumentation.Meter, RpcMetrics.ReconnectsName);
        await using var h = new Harness(instrumentation: instrumentation);
        await h.Connection.ConnectAsync();
        h.Transport.SetDown("a");
        h.Transport.SetDown("b");
        var lostAt = h.Time.GetUtcNow();
        h.Transport.Current!.Drop();
        await Eventually.True(() => h.Connection.State.Attempt == 2, "attempt 2");
        h.Transport.SetDown("a", false);
        h.Transport.SetDown("b", false);

        await h.Time.AdvanceUntil(() => h.Connection.State.Status == RpcConnectionStatus.Connected, TimeSpan.FromMilliseconds(250), "reconnected");

        var outage = Assert.Single(disconnected.GetMeasurementSnapshot());
        var reconnectedAt = h.Events.Last(e => e.Kind == RpcConnectionEventKind.Reconnected).State.ChangedAt;
        Assert.True(reconnectedAt > lostAt, "the reconnection came after some fake time");
        Assert.Equal(((reconnectedAt - lostAt).TotalSeconds, "reconnected", "test"), (outage.Value, (string)outage.Tags[RpcMetrics.ReasonTag]!, (string)outage.Tags[RpcMetrics.ConnectionTag]!));
        Assert.Equal(1, Assert.Single(reconnects.GetMeasurementSnapshot()).Value);
    }

    [Fact]
    public async Task Closing_during_an_outage_records_the_time_without_a_connection_as_closed()
    {
        using var instrumentation = new CordaHaInstrumentation();
        using var disconnected = new MetricCollector<double>(instrumentation.Meter, RpcMetrics.DisconnectedDurationName);
        var h = new Harness(instrumentation: instrumentation);
        await h.Connection.ConnectAsync();
        h.Transport.SetDown("a");
        h.Transport.SetDown("b");
        h.Transport.Current!.Drop();
        await Eventually.True(() => h.Connection.State.Attempt == 2, "attempt 2");
        h.Time.Advance(TimeSpan.FromSeconds(0.5));

        await h.Connection.CloseAsync();

        var outage = Assert.Single(disconnected.GetMeasurementSnapshot());
        Assert.Equal((0.5, "closed", "test"), (outage.Value, (string)outage.Tags[RpcMetrics.ReasonTag]!, (string)outage.Tags[RpcMetrics.ConnectionTag]!));
        Assert.Equal(h.Time.GetUtcNow() - TimeSpan.FromSeconds(0.5), h.Connection.State.DisconnectedSince);
    }

    [Fact]
    public async Task Closing_while_connected_records_no_outage_and_marks_the_close_as_the_disconnection()
    {
        using var instrumentation = new CordaHaInstrumentation();
        using var disconnected = new MetricCollector<double>(instrumentation.Meter, RpcMetrics.DisconnectedDurationName);
        var h = new Harness(instrumentation: instrumentation);
        await h.Connection.ConnectAsync();
        h.Time.Advance(TimeSpan.FromSeconds(3));

        await h.Connection.CloseAsync();

        Assert.Empty(disconnected.GetMeasurementSnapshot());
        Assert.Equal((RpcConnectionStatus.Closed, h.Time.GetUtcNow(), true, "a"), (h.Connection.State.Status, h.Connection.State.DisconnectedSince, h.Connection.State.HasConnected, h.Connection.State.Endpoint!.Name));
    }
}
