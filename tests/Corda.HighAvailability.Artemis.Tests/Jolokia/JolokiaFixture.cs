using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Corda.HighAvailability.Artemis.Tests.Jolokia;

/// <summary>
/// A real Jolokia agent (org.jolokia.http.AgentServlet from Debian's libjolokia-core-java, in embedded Jetty from
/// libjetty9-java) in a JVM started for the test class, in front of MBeans registered under Artemis' object names with
/// Artemis' attribute names and types (Fixture/*.java, compiled here with javac), because Artemis itself cannot be
/// installed on the build machines. The agent is at /console/jolokia (a standalone broker's path) and /jolokia (a
/// node's agent), behind basic authentication, and enforces the CORS policy of an Artemis instance's
/// etc/jolokia-access.xml (Fixture/jolokia-access.xml: origins on localhost only, strict checking), so requests go to
/// <c>localhost</c>, whose origin that policy allows. The JVM's working directory is a fresh
/// <c>corda-ha-jolokia-*</c> temporary directory holding <c>owner.pid</c>; the JVM is killed and the directory deleted
/// on dispose, and the JVM exits by itself when the test process dies (its stdin closes).
/// </summary>
public sealed class JolokiaFixture : IAsyncLifetime
{
    public const string User = "probe";
    public const string Password = "Jolokia-S3cret-pw";
    public const string Broker = "P2P";
    public const string JarsVariable = "CORDA_HA_JOLOKIA_JARS";

    private static readonly string[] Jars =
    [
        "jolokia-core.jar", "json-simple.jar", "jetty9-server.jar", "jetty9-servlet.jar", "jetty9-http.jar",
        "jetty9-io.jar", "jetty9-util.jar", "jetty9-security.jar", "servlet-api.jar",
    ];

    private readonly SemaphoreSlim _commands = new(1, 1);
    private readonly StringBuilder _stderr = new();
    private Process? _java;
    private string? _directory;

    /// <summary>Why the fixture could not start (a missing JDK or jar); null when it runs.</summary>
    public string? MissingReason { get; private set; }

    public int Port { get; private set; }

    /// <summary>The same agent over HTTPS, with a certificate for localhost issued by a test CA no system trusts.</summary>
    public int TlsPort { get; private set; }

    /// <summary>The test CA's certificate, PEM.</summary>
    public string CaBundlePath => Path.Combine(_directory ?? string.Empty, "ca.pem");

    public Uri SecureConsole => new($"https://localhost:{TlsPort}/console/jolokia");

    /// <summary>The standalone broker's agent path.</summary>
    public Uri Console => new($"http://localhost:{Port}/console/jolokia");

    /// <summary>The path of the agent a Corda node runs in its JVM.</summary>
    public Uri Embedded => new($"http://localhost:{Port}/jolokia/");

    public async ValueTask InitializeAsync()
    {
        var jarDirectory = Environment.GetEnvironmentVariable(JarsVariable) is { Length: > 0 } configured ? configured : "/usr/share/java";
        var missing = Jars.Where(j => !File.Exists(Path.Combine(jarDirectory, j))).ToList();
        var javac = FindJdkTool("javac");
        var java = FindJdkTool("java");
        if (missing.Count > 0 || javac is null || java is null)
        {
            MissingReason = "Jolokia fixture not started: " + (missing.Count > 0
                ? $"{string.Join(", ", missing)} missing in {jarDirectory} (install the Debian packages libjolokia-core-java and libjetty9-java, or set {JarsVariable})"
                : "no JDK (java and javac) on PATH or in JAVA_HOME (install openjdk-17-jdk-headless)");
            return;
        }

        _directory = Directory.CreateTempSubdirectory("corda-ha-jolokia-").FullName;
        await File.WriteAllTextAsync(Path.Combine(_directory, "owner.pid"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var keyStorePassword = Guid.NewGuid().ToString("N");
        var keyStore = WriteCertificates(_directory, keyStorePassword);
        var classpath = string.Join(':', Jars.Select(j => Path.Combine(jarDirectory, j)));
        var classes = Path.Combine(_directory, "classes");
        var fixtureFiles = Path.Combine(AppContext.BaseDirectory, "Jolokia", "Fixture");
        var sources = Directory.GetFiles(fixtureFiles, "*.java");
        var compile = await RunAsync(javac, ["-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC", "-nowarn", "-d", classes, "-cp", classpath, .. sources]);
        if (compile.ExitCode != 0)
        {
            throw new InvalidOperationException($"javac failed ({compile.ExitCode}): {compile.Output}");
        }

        var start = new ProcessStartInfo(java)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory,
        };
        foreach (var argument in new[] { "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", $"{classes}:{classpath}", "ArtemisJolokiaFixture", User, Password, Broker, Path.Combine(fixtureFiles, "jolokia-access.xml"), keyStore, keyStorePassword })
        {
            start.ArgumentList.Add(argument);
        }

        _java = Process.Start(start) ?? throw new InvalidOperationException("java did not start");
        _java.ErrorDataReceived += (_, e) =>
        {
            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
            }
        };
        _java.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ready = await _java.StandardOutput.ReadLineAsync(timeout.Token);
        if (ready is null || !ready.StartsWith("port ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The Jolokia fixture did not start: '{ready}'; stderr: {Stderr}");
        }

        var ports = ready["port ".Length..].Split(' ');
        Port = int.Parse(ports[0], System.Globalization.CultureInfo.InvariantCulture);
        TlsPort = int.Parse(ports[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>What the JVM wrote on stderr (Jetty's and Jolokia's logs), for failure messages.</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Skips the calling test, saying why, when the fixture could not start.</summary>
    public void SkipIfMissing() => Assert.SkipWhen(MissingReason is not null, MissingReason ?? string.Empty);

    /// <summary>Sends one control command to the fixture and returns its one-line answer; an "error" answer throws.</summary>
    public async Task<string> CommandAsync(string command)
    {
        var java = _java ?? throw new InvalidOperationException(MissingReason ?? "not started");
        await _commands.WaitAsync();
        try
        {
            await java.StandardInput.WriteLineAsync(command);
            await java.StandardInput.FlushAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var answer = await java.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException($"The fixture exited; stderr: {Stderr}");
            return answer.StartsWith("error", StringComparison.Ordinal)
                ? throw new InvalidOperationException($"Fixture command '{command}' failed: {answer}")
                : answer;
        }
        finally
        {
            _commands.Release();
        }
    }

    /// <summary>A healthy live broker with empty middleware queues and the request counters at zero.</summary>
    public Task ResetAsync() => CommandAsync("reset");

    public async Task<int> CountAsync(string counter) =>
        int.Parse(await CommandAsync(counter), System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        var java = _java;
        _java = null;
        if (java is not null)
        {
            try
            {
                java.StandardInput.Close();
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await java.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                if (!java.HasExited)
                {
                    java.Kill(entireProcessTree: true);
                }

                java.Dispose();
            }
        }

        if (_directory is not null)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        _commands.Dispose();
    }

    /// <summary>Writes ca.pem (a test CA) and server.p12 (a localhost certificate it issued, with its key); returns the latter's path.</summary>
    private static string WriteCertificates(string directory, string password)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Corda HA Jolokia Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var issued = serverRequest.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(7), [1, 2, 3, 4]);
        using var server = issued.CopyWithPrivateKey(serverKey);

        File.WriteAllText(Path.Combine(directory, "ca.pem"), ca.ExportCertificatePem());
        var keyStore = Path.Combine(directory, "server.p12");
        File.WriteAllBytes(keyStore, server.Export(X509ContentType.Pkcs12, password));
        return keyStore;
    }

    private static string? FindJdkTool(string tool)
    {
        if (Environment.GetEnvironmentVariable("JAVA_HOME") is { Length: > 0 } home && File.Exists(Path.Combine(home, "bin", tool)))
        {
            return Path.Combine(home, "bin", tool);
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
