using System.Runtime.InteropServices;

namespace Corda.HighAvailability.IntegrationTests.Processes;

/// <summary>kill(2), for SIGTERM/SIGSTOP/SIGCONT (.NET itself only sends SIGKILL). Linux signal numbers.</summary>
internal static class Signals
{
    public const int Terminate = 15;
    public const int Continue = 18;
    public const int Stop = 19;

    public static void Send(int pid, int signal)
    {
        if (kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

#pragma warning disable SYSLIB1054 // DllImport keeps the test project free of AllowUnsafeBlocks.
    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
#pragma warning restore SYSLIB1054
}
