using Corda.HighAvailability.Probes.JournalStorage;

namespace Corda.HighAvailability.Probes.Tests.JournalStorage;

/// <summary>/proc/locks and /proc/self/mountinfo lines as the kernel writes them, and the latency window's percentiles.</summary>
public sealed class ParsingTests
{
    [Fact]
    public void Proc_locks_lines_are_matched_on_device_and_inode_and_waiters_are_skipped()
    {
        const string Text =
            "1: POSIX  ADVISORY  WRITE 4242 fe:00:11657957 1 1\n" +
            "2: -> POSIX  ADVISORY  WRITE 4343 fe:00:11657957 1 1\n" +
            "3: FLOCK  ADVISORY  WRITE 4444 00:27:2 0 EOF\n" +
            "4: OFDLCK ADVISORY  READ  -1 fe:00:11657957 0 EOF\n" +
            "5: POSIX  ADVISORY  WRITE 4545 fe:01:11657957 1 1\n";

        var locks = ProcLocks.For(Text, new FileIdentity(0xfe, 0, 11657957, 19, DateTimeOffset.UnixEpoch));

        Assert.Equal(2, locks.Count);
        Assert.Equal(new ProcLock("POSIX", "WRITE", 4242, 1, 1), locks[0]);
        Assert.Equal(new ProcLock("OFDLCK", "READ", -1, 0, null), locks[1]);
        Assert.True(locks[0].Covers(1));
        Assert.False(locks[0].Covers(2));
        Assert.True(locks[1].Covers(2));
        Assert.Equal("FLOCK WRITE whole file, pid 4444", ProcLocks.For(Text, new FileIdentity(0, 0x27, 2, 0, DateTimeOffset.UnixEpoch)).Single().ToString());
    }

    [Fact]
    public void The_mount_holding_a_path_is_the_longest_and_latest_one()
    {
        const string Text =
            "22 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n" +
            "40 22 0:50 / /srv/share rw,relatime - nfs4 filer:/export rw,vers=4.2,local_lock=none\n" +
            "41 40 0:51 / /srv/share\\040two rw - cifs //filer/two rw,vers=3.1.1\n" +
            "42 22 0:52 / /srv/share rw - nfs filer:/old rw,vers=3,nolock\n";
        var mounts = MountTable.Parse(Text);

        Assert.Equal("nfs", MountTable.Containing(mounts, "/srv/share/artemis/journal")!.Type);
        Assert.True(MountTable.Containing(mounts, "/srv/share/artemis/journal")!.HasLocalLocksOnly);
        Assert.True(MountTable.Containing(mounts, "/srv/share two/journal")!.IsSmb);
        Assert.Equal("ext4", MountTable.Containing(mounts, "/srv/shared")!.Type);
        Assert.False(mounts[1].HasLocalLocksOnly);
        Assert.Equal((0u, 50u), (mounts[1].DeviceMajor, mounts[1].DeviceMinor));
    }

    [Fact]
    public void Percentiles_are_by_nearest_rank_over_the_window()
    {
        var window = new LatencyWindow(100);
        for (var i = 1; i <= 100; i++)
        {
            window.Add(TimeSpan.FromMilliseconds(i));
        }

        var summary = window.Summarize()!;
        Assert.Equal((100, 50d, 99d, 100d), (summary.Samples, summary.P50, summary.P99, summary.Max));

        window.Add(TimeSpan.FromMilliseconds(1000)); // Replaces the oldest sample (1 ms).
        summary = window.Summarize()!;
        Assert.Equal((100, 51d, 100d, 1000d), (summary.Samples, summary.P50, summary.P99, summary.Max));
    }

    [Fact]
    public void An_empty_window_has_no_percentiles() => Assert.Null(new LatencyWindow(5).Summarize());
}
