using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Corda.HighAvailability.LeaseElection.Supervision;

/// <summary>
/// The few Linux process calls the supervisor and the guard need: kill(2) for any signal (.NET only sends SIGKILL,
/// and never to a process group), the CLOCK_MONOTONIC time both processes share, and whether a pid is dead.
/// </summary>
internal static partial class PosixProcess
{
    private const int NoSuchProcess = 3;

    /// <summary>CLOCK_MONOTONIC in nanoseconds: the same clock in every process of the host on Linux.</summary>
    public static long NowNs() => Stopwatch.Frequency == 1_000_000_000
        ? Stopwatch.GetTimestamp()
        : (long)((Int128)Stopwatch.GetTimestamp() * 1_000_000_000 / Stopwatch.Frequency);

    /// <summary>Sends <paramref name="signal"/> to one process; false when it does not exist (any more).</summary>
    public static bool Signal(int pid, int signal) => pid > 0 && SendSignal(pid, signal) == 0;

    /// <summary>
    /// SIGKILLs the node's process group (the node leads its own session, so its pid is the group id) and the node
    /// itself, in case it had not yet made its own group.
    /// </summary>
    public static void KillTree(int pid)
    {
        if (pid <= 0)
        {
            return;
        }

        SendSignal(-pid, NodeSupervisionConstants.SigKill);
        SendSignal(pid, NodeSupervisionConstants.SigKill);
    }

    /// <summary>
    /// Whether a process can no longer run: gone, or a zombie waiting to be reaped. Read from <c>/proc/PID/stat</c>,
    /// because a process that is not our child cannot be waited for.
    /// </summary>
    public static bool IsDead(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return true;
        }

        // "pid (comm) S ...": the command may contain spaces and parentheses, the state follows the last ')'.
        var close = stat.LastIndexOf(')');
        return close < 0 || close + 2 >= stat.Length || stat[close + 2] is 'Z' or 'X';
    }

    /// <summary>Whether a process exists at all (also stopped or a zombie).</summary>
    public static bool Exists(int pid) => pid > 0 && (SendSignal(pid, 0) == 0 || Marshal.GetLastPInvokeError() != NoSuchProcess);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
