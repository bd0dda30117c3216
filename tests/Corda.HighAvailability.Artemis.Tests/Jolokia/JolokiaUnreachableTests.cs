using System.Net;
using System.Net.Sockets;
using System.Text;
using Corda.HighAvailability.Artemis.Jolokia;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Artemis.Tests.Jolokia;

/// <summary>
/// The probe when there is no usable agent: nothing listening, a server that accepts but never answers (a hung JVM),
/// and servers that answer something other than Jolokia, including a reply too large to buffer.
/// </summary>
public sealed class JolokiaUnreachableTests
{
    [Fact]
    public async Task An_agent_that_is_down_is_unhealthy()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        var result = await JolokiaRun.OnceAsync(Options(port));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains($"No connection to the Jolokia agent at http://127.0.0.1:{port}/console/jolokia", result.Description, StringComparison.Ordinal);
        Assert.Equal(nameof(HttpRequestError.ConnectionError), result.Data["error"]);
    }

    [Fact]
    public async Task An_agent_that_accepts_but_never_answers_is_unhealthy_after_the_timeout()
    {
        var hung = new TcpListener(IPAddress.Loopback, 0);
        hung.Start();
        try
        {
            var result = await JolokiaRun.OnceAsync(Options(((IPEndPoint)hung.LocalEndpoint).Port, o => o.Timeout = TimeSpan.FromSeconds(1)));

            Assert.Equal(HealthStatus.Unhealthy, result.Status);
            Assert.Contains("within 1 s: the broker's JVM is hung or overloaded", result.Description, StringComparison.Ordinal);
            Assert.Equal("Timeout", result.Data["error"]);
        }
        finally
        {
            hung.Stop();
        }
    }

    [Fact]
    public async Task A_server_that_is_not_Jolokia_is_unhealthy_quoting_the_start_of_its_reply()
    {
        const string html = "<html><body>Welcome to nginx!</body></html>";
        await using var server = await OneReplyServer.StartAsync(Encoding.ASCII.GetBytes(html), "text/html");

        var result = await JolokiaRun.OnceAsync(Options(server.Port));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("The reply is not JSON (is the endpoint a Jolokia agent?): it starts with '<html><body>Welcome to nginx!", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_JSON_reply_that_is_not_the_bulk_answer_is_unhealthy()
    {
        await using var server = await OneReplyServer.StartAsync("[{\"status\":200,\"value\":true}]"u8.ToArray(), "application/json");

        // The probe asks for 9: the broker search, 7 attributes and 1 queue prefix.
        var result = await JolokiaRun.OnceAsync(Options(server.Port));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("The reply is not a Jolokia bulk reply: expected an array of 9 answers, got an array of 1.", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reply_larger_than_the_limit_is_refused_without_being_buffered()
    {
        var huge = new byte[JolokiaProbeHealthCheck.MaxReplyBytes + 1];
        Array.Fill(huge, (byte)' ');
        await using var server = await OneReplyServer.StartAsync(huge, "application/json");

        var result = await JolokiaRun.OnceAsync(Options(server.Port));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("is larger than 8 MiB", result.Description, StringComparison.Ordinal);
    }

    private static JolokiaProbeOptions Options(int port, Action<JolokiaProbeOptions>? configure = null)
    {
        var options = new JolokiaProbeOptions
        {
            Endpoint = new Uri($"http://127.0.0.1:{port}/console/jolokia"),
            UserName = "probe",
            Password = "x",
            Timeout = TimeSpan.FromSeconds(20),
        };
        options.QueueThresholds["p2p.inbound."] = 1000;
        configure?.Invoke(options);
        return options;
    }

    /// <summary>A loopback HTTP/1.1 server that answers every request on its first connection with the same 200 reply.</summary>
    private sealed class OneReplyServer : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly Task _serving;

        private OneReplyServer(TcpListener listener, byte[] body, string contentType)
        {
            _listener = listener;
            _serving = ServeAsync(body, contentType);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public static Task<OneReplyServer> StartAsync(byte[] body, string contentType)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return Task.FromResult(new OneReplyServer(listener, body, contentType));
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            try
            {
                await _serving;
            }
            catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
            {
                // The probe hung up first (the too-large reply), or the listener stopped.
            }
        }

        private async Task ServeAsync(byte[] body, string contentType)
        {
            using var client = await _listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var request = new byte[64 * 1024];
            var read = 0;
            // Reads the headers and the (small) body the probe sends, then answers.
            while (read < request.Length)
            {
                var n = await stream.ReadAsync(request.AsMemory(read));
                if (n == 0)
                {
                    return;
                }

                read += n;
                var text = Encoding.ASCII.GetString(request, 0, read);
                var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end >= 0 && int.TryParse(Header(text, "Content-Length"), out var length) && read >= end + 4 + length)
                {
                    break;
                }
            }

            var head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\n\r\n");
            await stream.WriteAsync(head);
            await stream.WriteAsync(body);
        }

        private static string Header(string text, string name)
        {
            foreach (var line in text.Split("\r\n"))
            {
                if (line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
                {
                    return line[(name.Length + 1)..].Trim();
                }
            }

            return string.Empty;
        }
    }
}
