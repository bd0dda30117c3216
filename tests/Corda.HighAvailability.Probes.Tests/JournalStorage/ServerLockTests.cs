using Corda.HighAvailability.Probes.JournalStorage;
using Corda.HighAvailability.Probes.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Probes.Tests.JournalStorage;

/// <summary>
/// server.lock files with Artemis's layout (status byte, two lock bytes, 16-byte node ID at offset 3), locked by real
/// child processes the way a live broker (a POSIX lock on byte 1) or flock(1) locks them, and not locked at all.
/// </summary>
public sealed class ServerLockTests : IDisposable
{
    private const string NodeId = "3f2a7c10-9b1e-11ef-8a4d-0242ac120002";
    private readonly TempDirectory _directory = new();

    public ServerLockTests()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "server.lock is inspected on Linux only");
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task An_unlocked_live_server_lock_is_reported_stale_with_its_contents()
    {
        var path = WriteServerLock('L');

        var result = await Probe.RunAsync(Check());

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(true, result.Data["serverLockExists"]);
        Assert.Equal(19L, result.Data["serverLockSizeBytes"]);
        Assert.Equal("L (live)", result.Data["serverLockState"]);
        Assert.Equal(NodeId, result.Data["serverLockNodeId"]);
        Assert.Equal(Convert.ToHexString(File.ReadAllBytes(path)), result.Data["serverLockHex"]);
        Assert.Equal("not-held", result.Data["serverLockHeld"]);
        Assert.Equal("not-held", result.Data["serverLockPrimaryHeld"]);
        Assert.Equal(true, result.Data["serverLockStale"]);
        Assert.Contains("F_GETLK", (string)result.Data["serverLockCheck"], StringComparison.Ordinal);
        Assert.Contains("stale", result.Description, StringComparison.Ordinal);
        Assert.True(DateTimeOffset.Parse((string)result.Data["serverLockModified"], System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddMinutes(-5));
    }

    [Fact]
    public async Task The_primary_lock_held_by_another_process_is_detected_without_taking_it()
    {
        var path = WriteServerLock('L');
        using var holder = LockHolder.Posix(path, start: 1, length: 1, out var reason);
        Assert.SkipWhen(holder is null, reason);

        var result = await Probe.RunAsync(Check());

        Assert.Equal("held", result.Data["serverLockHeld"]);
        Assert.Equal("held", result.Data["serverLockPrimaryHeld"]);
        Assert.Equal("not-held", result.Data["serverLockBackupHeld"]);
        Assert.Equal(false, result.Data["serverLockStale"]);
        var holders = (string)result.Data["serverLockHolders"];
        Assert.Contains($"pid {holder!.ProcessId}", holders, StringComparison.Ordinal);
        Assert.Contains("bytes 1-1", holders, StringComparison.Ordinal);
        Assert.Contains("primary lock", holders, StringComparison.Ordinal);
        // The probe took nothing: the holder still has it, and a second probe sees the same.
        var again = await Probe.RunAsync(Check());
        Assert.Equal("held", again.Data["serverLockPrimaryHeld"]);
    }

    [Fact]
    public async Task A_waiting_backups_lock_is_told_apart_from_the_primary_lock()
    {
        var path = WriteServerLock('L');
        using var holder = LockHolder.Posix(path, start: 2, length: 1, out var reason);
        Assert.SkipWhen(holder is null, reason);

        var result = await Probe.RunAsync(Check());

        Assert.Equal("held", result.Data["serverLockHeld"]);
        Assert.Equal("not-held", result.Data["serverLockPrimaryHeld"]);
        Assert.Equal("held", result.Data["serverLockBackupHeld"]);
        Assert.Contains("backup lock", (string)result.Data["serverLockHolders"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_flock_on_the_file_is_detected_through_proc_locks()
    {
        var path = WriteServerLock('P');
        using var holder = LockHolder.Flock(path, out var reason);
        Assert.SkipWhen(holder is null, reason);

        var result = await Probe.RunAsync(Check());

        Assert.Equal("held", result.Data["serverLockHeld"]);
        Assert.Equal("not-held", result.Data["serverLockPrimaryHeld"]);
        Assert.Contains("FLOCK WRITE whole file", (string)result.Data["serverLockHolders"], StringComparison.Ordinal);
        Assert.Equal("P (paused)", result.Data["serverLockState"]);
        Assert.False(result.Data.ContainsKey("serverLockStale"));
    }

    [Fact]
    public async Task Expecting_a_live_broker_is_unhealthy_when_nothing_holds_the_primary_lock()
    {
        WriteServerLock('L');

        var result = await Probe.RunAsync(Check(o => o.ServerLockExpectation = ServerLockExpectation.Held));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("No process holds the primary lock", result.Description, StringComparison.Ordinal);
        Assert.Contains("stopped without clearing it", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expecting_a_live_broker_is_healthy_when_another_process_holds_the_primary_lock()
    {
        var path = WriteServerLock('L');
        using var holder = LockHolder.Posix(path, start: 1, length: 1, out var reason);
        Assert.SkipWhen(holder is null, reason);

        var result = await Probe.RunAsync(Check(o => o.ServerLockExpectation = ServerLockExpectation.Held));

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task Expecting_a_free_journal_is_unhealthy_while_a_broker_holds_it()
    {
        var path = WriteServerLock('L');
        using var holder = LockHolder.Posix(path, start: 1, length: 1, out var reason);
        Assert.SkipWhen(holder is null, reason);

        var result = await Probe.RunAsync(Check(o => o.ServerLockExpectation = ServerLockExpectation.NotHeld));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("Do not start another broker on it", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expecting_a_free_journal_is_healthy_when_nothing_holds_it()
    {
        WriteServerLock('L');

        var result = await Probe.RunAsync(Check(o => o.ServerLockExpectation = ServerLockExpectation.NotHeld));

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task A_foreign_node_ID_is_unhealthy()
    {
        WriteServerLock('L');

        var result = await Probe.RunAsync(Check(o => o.ExpectedNodeId = "00000000-0000-0000-0000-000000000001"));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("Foreign journal", result.Description, StringComparison.Ordinal);
        Assert.Contains(NodeId, result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_expected_node_ID_matches_whatever_its_case_and_dashes()
    {
        WriteServerLock('L');

        var result = await Probe.RunAsync(Check(o => o.ExpectedNodeId = NodeId.Replace("-", string.Empty, StringComparison.Ordinal).ToUpperInvariant()));

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task No_server_lock_is_reported_as_such()
    {
        var result = await Probe.RunAsync(Check());

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(false, result.Data["serverLockExists"]);
        Assert.Contains("No server.lock", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_text_lock_file_is_also_shown_as_text()
    {
        await File.WriteAllTextAsync(_directory.File("server.lock"), "L00", TestContext.Current.CancellationToken);

        var result = await Probe.RunAsync(Check());

        Assert.Equal("L00", result.Data["serverLockText"]);
        Assert.False(result.Data.ContainsKey("serverLockNodeId"));
    }

    private string WriteServerLock(char state)
    {
        var path = _directory.File("server.lock");
        var bytes = new byte[19];
        bytes[0] = (byte)state;
        bytes[1] = (byte)'0';
        bytes[2] = (byte)'0';
        Convert.FromHexString(NodeId.Replace("-", string.Empty, StringComparison.Ordinal)).CopyTo(bytes, 3);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private JournalStorageProbeHealthCheck Check(Action<JournalStorageProbeOptions>? configure = null)
    {
        // These tests are about server.lock: a slow fsync on a loaded machine must not turn their verdict Degraded.
        var options = new JournalStorageProbeOptions { DirectoryPath = _directory.Path, MinimumFreeBytes = 1, BlockSize = 4096, LatencyBudget = TimeSpan.FromSeconds(30) };
        configure?.Invoke(options);
        return new JournalStorageProbeHealthCheck(options);
    }
}
