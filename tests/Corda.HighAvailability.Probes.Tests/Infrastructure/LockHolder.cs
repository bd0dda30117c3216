using System.Diagnostics;

namespace Corda.HighAvailability.Probes.Tests.Infrastructure;

/// <summary>
/// A child process that holds a real lock on a file until disposed: a POSIX record lock (<c>fcntl</c>, as Java's
/// FileChannel takes Artemis's locks) through python3, or a whole-file <c>flock</c> through util-linux's flock(1).
/// </summary>
internal sealed class LockHolder : IDisposable
{
    private const string PosixScript =
        "import fcntl, sys\n" +
        "f = open(sys.argv[1], 'r+b')\n" +
        "fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB, int(sys.argv[3]), int(sys.argv[2]))\n" +
        "print('locked', flush=True)\n" +
        "sys.stdin.read()\n";

    private readonly Process _process;

    private LockHolder(Process process)
    {
        _process = process;
    }

    public int ProcessId => _process.Id;

    /// <summary>Locks <paramref name="length"/> bytes at <paramref name="start"/> for writing, as Artemis's live broker locks byte 1.</summary>
    public static LockHolder? Posix(string path, long start, long length, out string reason)
    {
        var python = Commands.Find("/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3");
        if (python is null)
        {
            reason = "python3 is not installed, so no child process can take a POSIX lock";
            return null;
        }

        return Start(python, ["-c", PosixScript, path, start.ToString(System.Globalization.CultureInfo.InvariantCulture), length.ToString(System.Globalization.CultureInfo.InvariantCulture)], out reason);
    }

    /// <summary>Takes an exclusive flock on the whole file.</summary>
    public static LockHolder? Flock(string path, out string reason)
    {
        var flock = Commands.Find("/usr/bin/flock", "/bin/flock");
        if (flock is null)
        {
            reason = "flock(1) from util-linux is not installed";
            return null;
        }

        return Start(flock, ["--exclusive", "--nonblock", path, "sh", "-c", "echo locked; exec cat >/dev/null"], out reason);
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(5));
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private static LockHolder? Start(string fileName, string[] arguments, out string reason)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var line = process.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromSeconds(15)) || line.Result != "locked")
        {
            var error = process.HasExited ? process.StandardError.ReadToEnd() : "no answer within 15 s";
            process.Kill(entireProcessTree: true);
            process.Dispose();
            reason = $"{Path.GetFileName(fileName)} could not take the lock: {error}";
            return null;
        }

        reason = string.Empty;
        return new LockHolder(process);
    }
}
