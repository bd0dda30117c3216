using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Corda.HighAvailability.Rpc;
using Corda.HighAvailability.Rpc.Grpc;
using Corda.HighAvailability.Rpc.Retry;
using Corda.HighAvailability.Rpc.State;
using Corda.HighAvailability.Rpc.Transport;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Corda.HighAvailability.Benchmarks.Rpc;

/// <summary>
/// <c>--grpc-reconnect [rounds] [default|fast] [outage-ms]</c>: a whole-process harness of the resilient connection
/// over the gRPC transport (health watch on, the default). Each round kills the gRPC test server
/// (<c>Corda.HighAvailability.Rpc.Grpc.TestServer.dll</c>, built next to the benchmarks) with SIGKILL, waits the
/// outage, restarts it on the same port, and reads, on one monotonic clock (Stopwatch): the kill to the client's
/// Disconnected event; the server's ready line (<c>listening</c>, printed with <c>--warm-up</c> once the server has
/// answered itself on the health and unary paths, so it means "answers at speed", as a readiness probe would) to the client's
/// Reconnected event; the time the successful attempt was scheduled for (its Reconnecting event plus the delay it
/// announced) against the ready line; and so the overhead beyond the backoff step in effect.
/// </summary>
internal static class GrpcReconnectFigures
{
    private const string ServerDll = "Corda.HighAvailability.Rpc.Grpc.TestServer.dll";

    public static void Run(int rounds, string policyName, TimeSpan outage)
    {
        IRpcRetryPolicy policy = policyName switch
        {
            "default" => ExponentialBackoffRetryPolicy.Default,
            "fast" => new FixedDelaysRetryPolicy([TimeSpan.Zero, TimeSpan.FromMilliseconds(50)], repeatLast: true),
            _ => throw new ArgumentException($"unknown policy '{policyName}': default or fast"),
        };
        var dll = Path.Combine(AppContext.BaseDirectory, ServerDll);
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{ServerDll} is not next to the benchmarks: build them (dotnet build -c Release benchmarks/Corda.HighAvailability.Benchmarks), which builds the test server too.", dll);
        }

        var directory = Directory.CreateTempSubdirectory("corda-ha-grpc-bench-");
        File.WriteAllText(Path.Combine(directory.FullName, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        var port = FreePort();
        var rows = new List<Row>();
        Console.WriteLine($"gRPC reconnect figures: {rounds} rounds, policy {policyName}, outage {outage.TotalMilliseconds:0} ms, port {port}");
        // For comparison: a cold server (no --warm-up) and its first answer to a plain channel made at its ready line
        // (the server's own warm-up: JIT of Kestrel's HTTP/2 and gRPC paths), which a ready line printed as soon as
        // Kestrel listens would otherwise hide inside the client's figure.
        var floor = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            var cold = ServerProcess.Start(dll, port, directory.FullName, warmUp: false);
            try
            {
                using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
                new Health.HealthClient(channel).Check(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(30));
                floor.Add(Ms(cold.Ready, Stopwatch.GetTimestamp()));
            }
            finally
            {
                cold.Kill();
            }
        }

        var server = ServerProcess.Start(dll, port, directory.FullName, warmUp: true);
        var warm = new List<double>();
        try
        {
            var events = new EventLog();
            var options = new ResilientRpcOptions { ReconnectPolicy = policy, ConnectTimeout = TimeSpan.FromSeconds(10) };
            options.Endpoints.Add(new RpcEndpoint("bench", new Uri($"http://127.0.0.1:{port}")));
            var connection = new ResilientRpcConnection<CallInvoker>("bench", new GrpcRpcTransport<CallInvoker>(static invoker => invoker), options);
            connection.StateChanged += (_, e) => events.Add(e);
            connection.ConnectAsync().GetAwaiter().GetResult();
            try
            {
                for (var round = 1; round <= rounds; round++)
                {
                    // Let the machine settle between rounds, so that a round does not start inside the last one's noise.
                    Thread.Sleep(500);
                    var killed = Stopwatch.GetTimestamp();
                    server.Kill();
                    var disconnected = events.WaitFor(RpcConnectionEventKind.Disconnected, killed);
                    Thread.Sleep(outage);
                    server = ServerProcess.Start(dll, port, directory.FullName, warmUp: true);
                    var reconnected = events.WaitFor(RpcConnectionEventKind.Reconnected, killed);
                    var attempt = events.LastBefore(RpcConnectionEventKind.Reconnecting, reconnected.Timestamp);
                    var scheduled = attempt.Timestamp + (long)((attempt.Event.State.NextDelay ?? TimeSpan.Zero).TotalSeconds * Stopwatch.Frequency);
                    var row = new Row(
                        Ms(killed, disconnected.Timestamp),
                        Ms(server.Ready, reconnected.Timestamp),
                        Ms(server.Ready, scheduled),
                        Ms(Math.Max(scheduled, server.Ready), reconnected.Timestamp),
                        (attempt.Event.State.NextDelay ?? TimeSpan.Zero).TotalMilliseconds,
                        attempt.Event.State.Attempt);
                    rows.Add(row);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"round {round}: kill->Disconnected {row.LossMs:0} ms; ready->Reconnected {row.ReadyToReconnectedMs:0} ms; attempt {row.Attempt} (step {row.StepMs:0} ms) scheduled at ready{row.ReadyToScheduledMs:+0;-0} ms; overhead beyond the scheduled attempt {row.OverheadMs:0} ms"));
                }
            }
            finally
            {
                connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            // The client's own share: one connect attempt (new channel, TCP, HTTP/2, the health watch's first SERVING)
            // to the same server once it is warm.
            var transport = new GrpcRpcTransport<CallInvoker>(static invoker => invoker);
            var endpoint = new RpcEndpoint("bench", new Uri($"http://127.0.0.1:{port}"));
            for (var i = 0; i < Math.Max(10, rounds); i++)
            {
                var started = Stopwatch.GetTimestamp();
                var warmConnection = transport.ConnectAsync(endpoint, CancellationToken.None).AsTask().GetAwaiter().GetResult();
                warm.Add(Ms(started, Stopwatch.GetTimestamp()));
                warmConnection.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        finally
        {
            server.Kill();
            try
            {
                directory.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A process killed a moment ago may still hold a file.
            }
        }

        Console.WriteLine();
        Console.WriteLine($"| policy {policyName} ({rows.Count} rounds) | min | median | max |");
        Console.WriteLine("|---|---|---|---|");
        Summary("SIGKILL → Disconnected (ms)", rows.Select(r => r.LossMs));
        Summary("server ready → Reconnected (ms)", rows.Select(r => r.ReadyToReconnectedMs));
        Summary("backoff step in effect (ms)", rows.Select(r => r.StepMs));
        Summary("server ready → attempt scheduled (ms)", rows.Select(r => r.ReadyToScheduledMs));
        Summary("overhead beyond the scheduled attempt (ms)", rows.Select(r => r.OverheadMs));
        Summary("cold server (no warm-up): ready → first answer to a plain new channel (ms)", floor);
        Summary("client connect attempt to the warm server (ms)", warm);
        var within = rows.Count(r => r.ReadyToReconnectedMs <= r.StepMs + 50);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reconnected within one backoff step + 50 ms of the ready line: {within} of {rows.Count} rounds"));
    }

    private static void Summary(string what, IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {what} | {sorted[0]:0} | {sorted[sorted.Count / 2]:0} | {sorted[^1]:0} |"));
    }

    private static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record Row(double LossMs, double ReadyToReconnectedMs, double ReadyToScheduledMs, double OverheadMs, double StepMs, int Attempt);

    /// <summary>Every connection event with the Stopwatch timestamp at which the handler saw it.</summary>
    private sealed class EventLog
    {
        private readonly List<(RpcConnectionEvent Event, long Timestamp)> _events = [];

        public void Add(RpcConnectionEvent e)
        {
            var now = Stopwatch.GetTimestamp();
            lock (_events)
            {
                _events.Add((e, now));
                Monitor.PulseAll(_events);
            }
        }

        public (RpcConnectionEvent Event, long Timestamp) WaitFor(RpcConnectionEventKind kind, long since)
        {
            var deadline = Stopwatch.GetTimestamp() + (60 * Stopwatch.Frequency);
            lock (_events)
            {
                while (true)
                {
                    foreach (var e in _events)
                    {
                        if (e.Event.Kind == kind && e.Timestamp >= since)
                        {
                            return e;
                        }
                    }

                    if (Stopwatch.GetTimestamp() > deadline)
                    {
                        throw new TimeoutException($"no {kind} event within 60 s");
                    }

                    Monitor.Wait(_events, 100);
                }
            }
        }

        public (RpcConnectionEvent Event, long Timestamp) LastBefore(RpcConnectionEventKind kind, long before)
        {
            lock (_events)
            {
                return _events.Last(e => e.Event.Kind == kind && e.Timestamp <= before);
            }
        }
    }

    /// <summary>The test server as a process; <see cref="Ready"/> is when its ready line was read.</summary>
    private sealed class ServerProcess
    {
        private readonly Process _process;

        private ServerProcess(Process process, long ready)
        {
            _process = process;
            Ready = ready;
        }

        public long Ready { get; }

        public static ServerProcess Start(string dll, int port, string directory, bool warmUp)
        {
            var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
            var info = new ProcessStartInfo(dotnet) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardInput = true, RedirectStandardError = true };
            foreach (var a in new[] { dll, "--port", port.ToString(CultureInfo.InvariantCulture), "--ledger", Path.Combine(directory, "ledger.txt"), "--name", "bench" })
            {
                info.ArgumentList.Add(a);
            }

            if (warmUp)
            {
                info.ArgumentList.Add("--warm-up");
            }

            var process = Process.Start(info) ?? throw new InvalidOperationException("the gRPC test server did not start");
            _ = process.StandardError.ReadToEndAsync();
            var line = process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
            var ready = Stopwatch.GetTimestamp();
            if (line != "listening")
            {
                process.Kill();
                throw new InvalidOperationException($"the gRPC test server did not start: {line}");
            }

            _ = process.StandardOutput.ReadToEndAsync();
            return new ServerProcess(process, ready);
        }

        /// <summary>SIGKILL.</summary>
        public void Kill()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }

            _process.Dispose();
        }
    }
}
