namespace Corda.HighAvailability.Probes.Tests.Infrastructure;

/// <summary>
/// A small tmpfs mounted for one test (<c>mount -t tmpfs -o size=...</c>), so that read-only and full file systems are
/// real ones. Needs root (or CAP_SYS_ADMIN); <see cref="TryMount"/> says why when it cannot mount.
/// </summary>
internal sealed class TmpfsMount : IDisposable
{
    private TmpfsMount(string path)
    {
        Path = path;
    }

    public string Path { get; }

    public static TmpfsMount? TryMount(string size, out string reason)
    {
        var path = Directory.CreateTempSubdirectory("corda-ha-probes-mnt-").FullName;
        var (exit, output) = Commands.Run("mount", "-t", "tmpfs", "-o", $"size={size},mode=0777", "tmpfs", path);
        if (exit != 0)
        {
            Directory.Delete(path);
            reason = $"mount -t tmpfs is not permitted here (exit {exit}: {output})";
            return null;
        }

        reason = string.Empty;
        return new TmpfsMount(path);
    }

    public void RemountReadOnly()
    {
        var (exit, output) = Commands.Run("mount", "-o", "remount,ro", Path);
        Assert.True(exit == 0, $"mount -o remount,ro {Path} failed: {output}");
    }

    public void Dispose()
    {
        var (exit, _) = Commands.Run("umount", Path);
        if (exit != 0)
        {
            Commands.Run("umount", "-l", Path);
        }

        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
