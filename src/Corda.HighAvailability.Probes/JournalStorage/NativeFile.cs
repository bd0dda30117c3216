using System.Runtime.InteropServices;

namespace Corda.HighAvailability.Probes.JournalStorage;

/// <summary>
/// The few system calls the server.lock inspection needs, on 64-bit Linux (x64, Arm64) only. .NET's own file APIs
/// cannot be used there: opening a file through them takes a shared <c>flock</c> on it, which on NFS is emulated with a
/// POSIX lock that the broker's own lock would conflict with. Reading through <c>open</c>/<c>pread</c> takes no lock;
/// <c>fcntl(F_GETLK)</c> asks whether a lock could be placed and reports a conflicting one, without placing anything.
/// </summary>
internal static unsafe partial class NativeFile
{
    private const string Libc = "libc";
    private const int OpenReadOnly = 0;
    private const int OpenCloseOnExec = 0x80000;
    private const int OpenNoControllingTerminal = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const uint StatxIno = 0x100;
    private const int GetLock = 5;
    private const short WriteLock = 1;
    private const short Unlocked = 2;

    /// <summary>Whether the layouts and constants below are those of this platform.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux()
                                      && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>Opens <paramref name="path"/> read-only; returns the descriptor, or -1 with <paramref name="errno"/>.</summary>
    public static int OpenForReading(string path, out int errno)
    {
        var fd = Open(path, OpenReadOnly | OpenCloseOnExec | OpenNoControllingTerminal);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd;
    }

    public static void CloseDescriptor(int fd) => _ = Close(fd);

    /// <summary>Reads up to <paramref name="buffer"/>'s length from offset 0; the byte count, or -1.</summary>
    public static int ReadStart(int fd, Span<byte> buffer)
    {
        fixed (byte* pointer = buffer)
        {
            var total = 0;
            while (total < buffer.Length)
            {
                var read = (int)PRead(fd, pointer + total, (nuint)(buffer.Length - total), total);
                if (read < 0)
                {
                    return total > 0 ? total : -1;
                }

                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            return total;
        }
    }

    /// <summary>The identity, size and modification time of an open file, or <see langword="null"/> when statx is unavailable.</summary>
    public static FileIdentity? Identify(int fd)
    {
        var buffer = stackalloc byte[256];
        new Span<byte>(buffer, 256).Clear();
        try
        {
            if (Statx(fd, string.Empty, AtEmptyPath, StatxBasicStats, buffer) != 0)
            {
                return null;
            }
        }
        catch (EntryPointNotFoundException)
        {
            return null; // glibc before 2.28.
        }

        var mask = *(uint*)buffer;
        if ((mask & StatxIno) == 0)
        {
            return null;
        }

        var inode = *(ulong*)(buffer + 32);
        var size = *(ulong*)(buffer + 40);
        var seconds = *(long*)(buffer + 112);
        var nanoseconds = *(uint*)(buffer + 120);
        var major = *(uint*)(buffer + 136);
        var minor = *(uint*)(buffer + 140);
        var modified = DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(nanoseconds / 100);
        return new FileIdentity(major, minor, inode, (long)size, modified);
    }

    /// <summary>
    /// A lock held by another process that would conflict with a write lock on <paramref name="length"/> bytes at
    /// <paramref name="start"/> (length 0: to the end of the file), or <see langword="null"/> when none would.
    /// Sees POSIX and OFD locks of every process of this kernel (and, on NFS, of the server); not <c>flock</c> locks.
    /// </summary>
    /// <exception cref="IOException">fcntl failed; the message names the errno.</exception>
    public static ConflictingLock? TestWriteLock(int fd, long start, long length)
    {
        var request = new FileLockRequest { Type = WriteLock, Whence = 0, Start = start, Length = length };
        if (FcntlLock(fd, GetLock, &request) != 0)
        {
            throw new IOException($"fcntl(F_GETLK) failed with errno {Marshal.GetLastPInvokeError()}.");
        }

        return request.Type == Unlocked
            ? null
            : new ConflictingLock(request.Type == WriteLock ? "WRITE" : "READ", request.Start, request.Length, request.Pid);
    }

    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport(Libc, EntryPoint = "pread", SetLastError = true)]
    private static partial nint PRead(int fd, byte* buffer, nuint count, long offset);

    [LibraryImport(Libc, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport(Libc, EntryPoint = "fcntl", SetLastError = true)]
    private static partial int FcntlLock(int fd, int command, FileLockRequest* request);

    /// <summary><c>struct flock</c> of 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct FileLockRequest
    {
        public short Type;
        public short Whence;
        public long Start;
        public long Length;
        public int Pid;
    }
}

/// <summary>A file's device (as /proc/locks prints it), inode, size and modification time.</summary>
internal sealed record FileIdentity(uint DeviceMajor, uint DeviceMinor, ulong Inode, long Size, DateTimeOffset Modified);

/// <summary>A lock that another process holds: its kind, range (length 0: to the end) and pid (0: not visible from here, -1: an OFD lock).</summary>
internal sealed record ConflictingLock(string Access, long Start, long Length, int Pid);
