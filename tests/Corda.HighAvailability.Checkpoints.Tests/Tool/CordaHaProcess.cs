using System.Diagnostics;

namespace Corda.HighAvailability.Checkpoints.Tests.Tool;

/// <summary>Runs the corda-ha.dll that the tool's project reference copies next to the tests, as a real process.</summary>
internal static class CordaHaProcess
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static async Task<ToolOutput> RunAsync(params string[] arguments)
    {
        // The test host knows which dotnet runs it; fall back to the one on PATH.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "corda-ha.dll"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("corda-ha did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"corda-ha did not exit within {Timeout}; stderr: {await stderr}");
        }

        return new ToolOutput(process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>What one corda-ha run printed, and its exit code.</summary>
internal sealed record ToolOutput(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}
