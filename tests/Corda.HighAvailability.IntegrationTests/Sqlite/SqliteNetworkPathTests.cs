using Corda.HighAvailability.LeaseElection.Sqlite;

namespace Corda.HighAvailability.IntegrationTests.Sqlite;

/// <summary>
/// The SQLite store refuses a database on a network file system. No NFS or SMB server can run on the build machines,
/// so the mount table is given as text here; the real <c>/proc/self/mountinfo</c> is read for a local path.
/// </summary>
public sealed class SqliteNetworkPathTests
{
    private const string MountInfo = """
        22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
        30 22 0:26 / /mnt/shared rw,relatime shared:9 - nfs4 fileserver:/export rw,vers=4.2
        31 22 0:27 / /mnt/win\040share rw,relatime shared:10 - cifs //server/share rw
        32 30 0:28 / /mnt/shared/local rw,relatime shared:11 - tmpfs tmpfs rw
        """;

    [Theory]
    [InlineData("/var/lib/corda/lease.db", "ext4", false)]
    [InlineData("/mnt/shared/lease.db", "nfs4", true)]
    [InlineData("/mnt/shared/deep/er/lease.db", "nfs4", true)]
    [InlineData("/mnt/win share/lease.db", "cifs", true)]
    [InlineData("/mnt/shared/local/lease.db", "tmpfs", false)]
    [InlineData("/mnt/sharedother/lease.db", "ext4", false)]
    public void The_longest_mount_point_decides_the_file_system(string path, string type, bool network)
    {
        var found = NetworkFileSystem.TypeOf(path, MountInfo);

        Assert.Equal(type, found);
        Assert.Equal(network, NetworkFileSystem.IsNetwork(found));
    }

    [Fact]
    public void A_local_file_and_an_in_memory_database_are_accepted()
    {
        Assert.Null(NetworkFileSystem.Detect(Path.Combine(Path.GetTempPath(), "lease.db")));
        Assert.Null(NetworkFileSystem.Detect(":memory:"));
        Assert.Empty(SqliteLeaseStoreOptionsValidator.Check(new SqliteLeaseStoreOptions { ConnectionString = "Data Source=" + Path.Combine(Path.GetTempPath(), "lease.db") }));
    }
}
