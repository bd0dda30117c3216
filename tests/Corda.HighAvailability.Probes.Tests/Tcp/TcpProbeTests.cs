using System.Net;
using System.Net.Sockets;
using Corda.HighAvailability.Probes.Tcp;
using Corda.HighAvailability.Probes.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Probes.Tests.Tcp;

/// <summary>The TCP probe against real listeners on loopback (never any other address).</summary>
public sealed class TcpProbeTests
{
    [Fact]
    public async Task A_listening_port_is_healthy_with_its_latency()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var check = new TcpProbeHealthCheck(new TcpProbeOptions { Host = "127.0.0.1", Port = port });

            var result = await Probe.RunAsync(check);

            Assert.Equal(HealthStatus.Healthy, result.Status);
            Assert.Contains($"127.0.0.1:{port}", result.Description, StringComparison.Ordinal);
            Assert.IsType<double>(result.Data["latencyMs"]);
            Assert.Equal(port, result.Data["port"]);
            Assert.Equal($"127.0.0.1:{port}", result.Data["remoteAddress"]);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task A_closed_port_is_unhealthy_because_the_connection_is_refused()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var check = new TcpProbeHealthCheck(new TcpProbeOptions { Host = "127.0.0.1", Port = port });

        var result = await Probe.RunAsync(check);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("refused", result.Description, StringComparison.Ordinal);
        Assert.Contains("nothing listens", result.Description, StringComparison.Ordinal);
        Assert.Equal(nameof(SocketError.ConnectionRefused), result.Data["error"]);
    }

    [Fact]
    public async Task The_failure_status_of_the_registration_is_honoured()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var result = await Probe.RunAsync(new TcpProbeHealthCheck(new TcpProbeOptions { Host = "127.0.0.1", Port = port }), HealthStatus.Degraded);

        Assert.Equal(HealthStatus.Degraded, result.Status);
    }

    /// <summary>
    /// A hung process whose listen backlog is full: Linux drops new SYNs, so the connection neither succeeds nor is
    /// refused, as with a black-holed address; the probe must give up at its timeout and say so. Loopback only.
    /// </summary>
    [Fact]
    public async Task A_listener_whose_backlog_is_full_times_out_within_the_timeout()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(backlog: 1);
        var fillers = new List<Socket>();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            // Fill the accept queue (nothing ever accepts) until a connection no longer completes.
            var filled = false;
            for (var i = 0; i < 16 && !filled; i++)
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                fillers.Add(socket);
                using var attempt = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
                try
                {
                    await socket.ConnectAsync(IPAddress.Loopback, port, attempt.Token);
                }
                catch (OperationCanceledException)
                {
                    filled = true;
                }
            }

            Assert.True(filled, "the loopback listener's backlog never filled");
            var timeout = TimeSpan.FromMilliseconds(400);
            var check = new TcpProbeHealthCheck(new TcpProbeOptions { Host = "127.0.0.1", Port = port, Timeout = timeout });
            var started = TimeProvider.System.GetTimestamp();

            var result = await Probe.RunAsync(check);

            var elapsed = TimeProvider.System.GetElapsedTime(started);
            Assert.Equal(HealthStatus.Unhealthy, result.Status);
            Assert.Contains("within 400 ms", result.Description, StringComparison.Ordinal);
            Assert.Contains("backlog is full", result.Description, StringComparison.Ordinal);
            Assert.Equal("Timeout", result.Data["error"]);
            Assert.InRange(elapsed, timeout - TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5)); // Timers may fire a little early.
        }
        finally
        {
            fillers.ForEach(s => s.Dispose());
            listener.Stop();
        }
    }

    [Fact]
    public async Task A_host_name_is_resolved_and_connected()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;

            var result = await Probe.RunAsync(new TcpProbeHealthCheck(new TcpProbeOptions { Host = "localhost", Port = port }));

            Assert.Equal(HealthStatus.Healthy, result.Status);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task Cancellation_by_the_health_check_service_is_not_reported_as_a_result()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(backlog: 1);
        var fillers = new List<Socket>();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            for (var i = 0; i < 16; i++)
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                fillers.Add(socket);
                using var attempt = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
                try
                {
                    await socket.ConnectAsync(IPAddress.Loopback, port, attempt.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            var check = new TcpProbeHealthCheck(new TcpProbeOptions { Host = "127.0.0.1", Port = port, Timeout = TimeSpan.FromSeconds(30) });
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            var context = new HealthCheckContext { Registration = new HealthCheckRegistration("tcp", check, null, null) };

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => check.CheckHealthAsync(context, cancel.Token));
        }
        finally
        {
            fillers.ForEach(s => s.Dispose());
            listener.Stop();
        }
    }
}
