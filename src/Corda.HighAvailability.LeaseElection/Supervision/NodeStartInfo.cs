using System.Diagnostics;

namespace Corda.HighAvailability.LeaseElection.Supervision;

/// <summary>
/// How the guard starts the node. .NET cannot run code between fork and exec, so two util-linux programs do it, each
/// exec'ing the next: <c>setsid</c> makes the node the leader of a new session and process group (the guard kills
/// the whole group), and <c>setpriv --pdeathsig KILL</c> makes the kernel SIGKILL the node when the guard dies, so
/// that a killed guard cannot leave a node behind. Without them (not Linux, or util-linux missing) the node is
/// started directly and the guard says so on stderr: it still kills the node, but a SIGKILLed guard no longer takes
/// the node with it (the supervisor's own backstop then remains).
/// </summary>
internal static class NodeStartInfo
{
    private static readonly Lazy<(string? Setsid, string? Setpriv)> Wrappers = new(() => (Find("setsid"), Find("setpriv")));

    /// <summary>The <c>setsid</c> program, if there is one.</summary>
    public static string? Setsid => Wrappers.Value.Setsid;

    /// <summary>Whether the node gets its own process group and the parent-death signal.</summary>
    public static bool IsWrapped => Wrappers.Value is { Setsid: not null, Setpriv: not null };

    public static ProcessStartInfo Create(GuardConfig config)
    {
        var (setsid, setpriv) = Wrappers.Value;
        var info = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,

            // Never the guard's own stdin: that is the supervisor's pipe, and the node must not read (or hold) it.
            RedirectStandardInput = true,
        };
        if (setsid is not null && setpriv is not null)
        {
            info.FileName = setsid;
            info.ArgumentList.Add(setpriv);
            info.ArgumentList.Add("--pdeathsig");
            info.ArgumentList.Add("KILL");
            info.ArgumentList.Add("--");
            info.ArgumentList.Add(config.Command);
        }
        else
        {
            info.FileName = config.Command;
        }

        foreach (var argument in config.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    private static string? Find(string program)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin")
            .Append("/bin")
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
    }
}
