using System.Diagnostics;

namespace Corda.HighAvailability.Tool.Drill;

/// <summary>
/// How to start this same tool again as a candidate: through the <c>dotnet</c> host when that is what runs us
/// (<c>dotnet corda-ha.dll</c>), otherwise through our own executable (apphost or installed tool shim).
/// </summary>
internal static class CandidateLauncher
{
    public static ProcessStartInfo CreateStartInfo(IEnumerable<string> arguments)
    {
        var processPath = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell which executable runs corda-ha.");
        var info = new ProcessStartInfo(processPath)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        if (string.Equals(Path.GetFileNameWithoutExtension(processPath), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            info.ArgumentList.Add(EntryAssemblyPath());
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    private static string EntryAssemblyPath()
    {
        var location = typeof(CandidateLauncher).Assembly.Location;
        return string.IsNullOrEmpty(location) ? Path.Combine(AppContext.BaseDirectory, "corda-ha.dll") : location;
    }
}
