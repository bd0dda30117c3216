using System.Diagnostics;

namespace Corda.HighAvailability.Probes.Tests.Infrastructure;

/// <summary>Runs a system command (mount, umount, mkfifo) to completion, bounded in time.</summary>
internal static class Commands
{
    public static (int ExitCode, string Output) Run(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                process.Kill();
                return (-1, $"{fileName} did not finish within 20 s");
            }

            return (process.ExitCode, (output.Result + error.Result).Trim());
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, $"{fileName} could not be started: {e.Message}");
        }
    }

    /// <summary>The first of <paramref name="candidates"/> that exists, or <see langword="null"/>.</summary>
    public static string? Find(params string[] candidates) => candidates.FirstOrDefault(File.Exists);
}
