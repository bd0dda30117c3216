using System.Runtime.InteropServices;

namespace Corda.HighAvailability.Tool.Drill;

/// <summary>
/// Sends POSIX signals with kill(2): .NET can only SIGKILL a process, and the drill needs SIGTERM (graceful stop),
/// SIGSTOP and SIGCONT (a paused leader). The numbers are Linux's.
/// </summary>
internal static partial class Signals
{
    public const int Kill = 9;
    public const int Terminate = 15;
    public const int Continue = 18;
    public const int Stop = 19;

    public static string Name(int signal) => signal switch
    {
        Kill => "SIGKILL",
        Terminate => "SIGTERM",
        Continue => "SIGCONT",
        Stop => "SIGSTOP",
        _ => $"signal {signal}",
    };

    public static void Send(int pid, int signal)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The drill sends Linux signals; run it on Linux.");
        }

        if (SendSignal(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {Name(signal)}) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
