using System.Reflection;

namespace Corda.HighAvailability.LeaseElection;

internal static class LeaseElectionDefaults
{
    public static string CreateIdentity() =>
        $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>A random id per elector instance, written with its grants so that a duplicated identity is told apart.</summary>
    public static string CreateInstanceId() => Guid.NewGuid().ToString("N")[..16];

    public static string? EntryAssemblyVersion()
    {
        var assembly = Assembly.GetEntryAssembly();
        return assembly?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly?.GetName().Version?.ToString();
    }
}
