using System.Diagnostics;

namespace Corda.HighAvailability.Testing;

/// <summary>
/// Runs the corda-ha tool as <c>dotnet corda-ha.dll</c> from the test output folder: a test project that uses it references
/// src/Corda.HighAvailability.Tool, which copies corda-ha.dll next to the tests.
/// </summary>
public static class CordaHaTool
{
    public static string DllPath { get; } = Path.Combine(AppContext.BaseDirectory, "corda-ha.dll");

    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        // The SDK tells test hosts which dotnet runs them; fall back to the one on PATH.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,

            // Never share the test host's stdin: a drill candidate reads commands from its own.
            RedirectStandardInput = true,
        };
        info.ArgumentList.Add(DllPath);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    /// <summary>Runs the tool to completion (killed after <paramref name="timeout"/>).</summary>
    public static Task<ToolRun> RunAsync(TimeSpan timeout, params string[] arguments) =>
        RunAsync(timeout, new Dictionary<string, string>(), arguments);

    /// <summary>Runs the tool to completion with extra environment variables (secrets the tool reads from the environment).</summary>
    public static async Task<ToolRun> RunAsync(TimeSpan timeout, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var info = StartInfo(arguments);
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("corda-ha did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"corda-ha {string.Join(' ', arguments)} did not finish within {timeout}; stderr: {await stderr}");
        }

        return new ToolRun(process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>The outcome of one tool run.</summary>
public sealed record ToolRun(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}
