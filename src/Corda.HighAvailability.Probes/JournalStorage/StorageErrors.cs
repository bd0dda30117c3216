using System.Globalization;

namespace Corda.HighAvailability.Probes.JournalStorage;

/// <summary>Names a failed write's cause, and says what an operator should do about it.</summary>
internal static class StorageErrors
{
    // Linux errno values, which .NET puts in an IOException's HResult when it has no better exception type.
    private const int Eio = 5;
    private const int Enospc = 28;
    private const int Erofs = 30;
    private const int Edquot = 122;
    private const int Estale = 116;

    // Windows HRESULTs for the same conditions.
    private const int WindowsDiskFull = unchecked((int)0x80070070);
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027);
    private const int WindowsWriteProtect = unchecked((int)0x80070013);

    /// <summary>A short code for data (<c>EROFS</c>, <c>ENOSPC</c>, ...) and the problem's description.</summary>
    public static (string Code, string Problem) Describe(Exception e, string directory) => e switch
    {
        UnauthorizedAccessException => ("EACCES",
            $"Permission denied writing to the journal directory {directory} (as user '{Environment.UserName}'): the broker's user may be refused too; check the directory's owner and mode, or the share's permissions."),
        DirectoryNotFoundException => ("ENOENT",
            $"The journal directory {directory} disappeared while it was probed: is the shared drive still mounted?"),
        IOException { HResult: Erofs or WindowsWriteProtect } => ("EROFS",
            $"The journal directory {directory} is on a read-only file system (EROFS): the broker cannot write its journal. A storage fault often remounts a volume read-only: fix the storage and remount it read-write, or fail over."),
        IOException { HResult: Enospc or WindowsDiskFull or WindowsHandleDiskFull } => ("ENOSPC",
            $"The journal's file system is full (ENOSPC) at {directory}: the broker cannot grow its journal and will block or fail. Free space or grow the volume."),
        IOException { HResult: Edquot } => ("EDQUOT",
            $"The disk quota is exhausted (EDQUOT) at {directory}: the broker cannot grow its journal. Raise the quota or free space."),
        IOException { HResult: Eio } => ("EIO",
            $"An I/O error (EIO) writing to {directory}: the storage, or the network path to the share, is failing."),
        IOException { HResult: Estale } => ("ESTALE",
            $"Stale file handle (ESTALE) at {directory}: the share was re-exported or its server restarted; remount it."),
        IOException io when io.HResult is > 0 and < 4096 => (string.Create(CultureInfo.InvariantCulture, $"errno {io.HResult}"),
            $"Writing to the journal directory {directory} failed: {io.Message}"),
        _ => (e.GetType().Name, $"Writing to the journal directory {directory} failed: {e.Message}"),
    };
}
