using System.Reflection;

namespace Corda.HighAvailability.Tool.Node;

/// <summary>How to start this very tool again (as the guard): its executable, or <c>dotnet corda-ha.dll</c>.</summary>
internal static class ToolSelf
{
    public static (string Command, IReadOnlyList<string> Prefix) CommandLine()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("The tool's own executable is unknown; cannot start the guard.");
        if (string.Equals(Path.GetFileNameWithoutExtension(process), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            var assembly = Assembly.GetEntryAssembly()?.Location;
            if (string.IsNullOrEmpty(assembly))
            {
                throw new InvalidOperationException("The tool's own assembly is unknown; cannot start the guard.");
            }

            return (process, [assembly]);
        }

        return (process, []);
    }
}
