using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Corda.HighAvailability.IntegrationTests.Probe;

/// <summary>
/// A real gRPC server for <c>corda-ha probe --grpc</c>: the gRPC transport tests' TestServer (Kestrel, HTTP/2
/// cleartext on a free loopback port, the standard health service), run as its own process. Its overall health status
/// is set through its stdin; it exits when the stdin this test holds ends. Its dir is a <c>corda-ha-grpc-*</c> temp
/// dir with <c>owner.pid</c>.
/// </summary>
internal sealed class GrpcHealthServer : IDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    private GrpcHealthServer(Process process, string dir, int port)
    {
        _process = process;
        _dir = dir;
        Address = new Uri($"http://127.0.0.1:{port}");
        TlsAddress = new Uri($"https://localhost:{port}");
    }

    public Uri Address { get; }

    /// <summary>The https address, by the name the test certificates are issued for (with <see cref="StartTlsAsync"/>).</summary>
    public Uri TlsAddress { get; }

    public static Task<GrpcHealthServer> StartAsync() => StartAsync(Directory.CreateTempSubdirectory("corda-ha-grpc-").FullName, []);

    /// <summary>Serves HTTP/2 over TLS with <paramref name="certificate"/>; with <paramref name="clientCa"/>, requires a client certificate of that CA.</summary>
    public static Task<GrpcHealthServer> StartTlsAsync(X509Certificate2 certificate, X509Certificate2? clientCa = null)
    {
        var dir = Directory.CreateTempSubdirectory("corda-ha-grpc-").FullName;
        List<string> arguments =
        [
            "--tls-cert", TestCertificates.WritePem(dir, "server.pem", certificate),
            "--tls-key", TestCertificates.WriteKeyPem(dir, "server.key", certificate),
        ];
        if (clientCa is not null)
        {
            arguments.AddRange(["--client-ca", TestCertificates.WritePem(dir, "client-ca.pem", clientCa)]);
        }

        return StartAsync(dir, arguments);
    }

    private static async Task<GrpcHealthServer> StartAsync(string dir, IEnumerable<string> extraArguments)
    {
        await File.WriteAllTextAsync(Path.Combine(dir, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
                 {
                     Path.Combine(AppContext.BaseDirectory, "Corda.HighAvailability.Rpc.Grpc.TestServer.dll"),
                     "--port", port.ToString(CultureInfo.InvariantCulture), "--ledger", Path.Combine(dir, "ledger.txt"), "--name", "rpc-proxy",
                 }.Concat(extraArguments))
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("the gRPC test server did not start");
        var server = new GrpcHealthServer(process, dir, port);
        try
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            if (line != "listening")
            {
                throw new InvalidOperationException($"the gRPC test server did not start: {line} {await stderr.WaitAsync(TimeSpan.FromSeconds(5))}");
            }

            _ = process.StandardOutput.ReadToEndAsync();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>SERVING, NOT_SERVING or SERVICE_UNKNOWN, for the server's overall health.</summary>
    public void SetHealth(string status)
    {
        _process.StandardInput.WriteLine($"health {status}");
        _process.StandardInput.Flush();
    }

    public void Dispose()
    {
        try
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // Left for eng/test.sh's cleanup of dead owners.
        }
    }
}
