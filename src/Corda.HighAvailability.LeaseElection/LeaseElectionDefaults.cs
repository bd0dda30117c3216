using System.Reflection;

namespace Corda.HighAvailability.LeaseElection;

internal static class LeaseElectionDefaults
{
    public static string CreateIdentity() =>
        $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    public static string? EntryAssemblyVersion()
    {
        var assembly = Assembly.GetEntryAssembly();
        return assembly?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly?.GetName().Version?.ToString();
    }
}
