using Corda.HighAvailability.Probes.JournalStorage;
using Corda.HighAvailability.Probes.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Probes.Tests.JournalStorage;

/// <summary>
/// The journal storage probe on real directories, and on real tmpfs mounts made read-only or full (as root; skipped
/// with the reason otherwise, when <see cref="A_file_where_the_directory_should_be_is_unhealthy"/> stands in).
/// </summary>
public sealed class JournalStorageProbeTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_writable_directory_is_healthy_with_latency_percentiles()
    {
        var check = Check(_directory.Path);

        var first = await Probe.RunAsync(check);
        var second = await Probe.RunAsync(check);

        Assert.Equal(HealthStatus.Healthy, first.Status);
        Assert.Equal(HealthStatus.Healthy, second.Status);
        Assert.Equal(2, second.Data["latencySamples"]);
        Assert.IsType<double>(second.Data["latencyP50Ms"]);
        Assert.IsType<double>(second.Data["latencyP99Ms"]);
        Assert.IsType<double>(second.Data["writeMs"]);
        Assert.Equal(JournalStorageProbeOptions.DefaultBlockSize, second.Data["blockBytes"]);
        Assert.True((long)second.Data["freeBytes"] > 0);
        Assert.Contains("1 MiB written and synced", second.Description, StringComparison.Ordinal);
        Assert.Contains("p99", second.Description, StringComparison.Ordinal);
        // The probe file is gone.
        Assert.Empty(Directory.EnumerateFiles(_directory.Path));
    }

    [Fact]
    public async Task The_latency_window_keeps_the_last_N_samples()
    {
        var check = Check(_directory.Path, o => { o.LatencySamples = 3; o.BlockSize = 4096; });

        HealthCheckResult result = default!;
        for (var i = 0; i < 5; i++)
        {
            result = await Probe.RunAsync(check);
        }

        Assert.Equal(3, result.Data["latencySamples"]);
    }

    [Fact]
    public async Task Writes_over_the_latency_budget_are_degraded()
    {
        var check = Check(_directory.Path, o => o.LatencyBudget = TimeSpan.Zero);

        var result = await Probe.RunAsync(check);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("slow", result.Description, StringComparison.Ordinal);
        Assert.Contains("above LatencyBudget of 0 ms", result.Description, StringComparison.Ordinal);
        Assert.Equal(0d, result.Data["latencyBudgetMs"]);
    }

    [Fact]
    public async Task Free_space_below_the_minimum_is_degraded()
    {
        var check = Check(_directory.Path, o => o.MinimumFreeBytes = long.MaxValue);

        var result = await Probe.RunAsync(check);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("below MinimumFreeBytes", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_directory_is_unhealthy()
    {
        var missing = Path.Combine(_directory.Path, "not-mounted");

        var result = await Probe.RunAsync(Check(missing));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("does not exist", result.Description, StringComparison.Ordinal);
        Assert.Contains("mounted", result.Description, StringComparison.Ordinal);
        Assert.Equal("ENOENT", result.Data["error"]);
    }

    /// <summary>The substitute for the mount tests where mount is not permitted: a path that cannot take the probe's writes.</summary>
    [Fact]
    public async Task A_file_where_the_directory_should_be_is_unhealthy()
    {
        var file = _directory.File("journal");
        await File.WriteAllTextAsync(file, "not a directory", TestContext.Current.CancellationToken);

        var result = await Probe.RunAsync(Check(file));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("is a file, not a directory", result.Description, StringComparison.Ordinal);
        Assert.Equal("ENOTDIR", result.Data["error"]);
    }

    [Fact]
    public async Task A_read_only_file_system_is_unhealthy_naming_EROFS()
    {
        using var mount = TmpfsMount.TryMount("1m", out var reason);
        Assert.SkipWhen(mount is null, $"{reason}; A_file_where_the_directory_should_be_is_unhealthy covers an unwritable journal path instead");
        mount!.RemountReadOnly();

        var result = await Probe.RunAsync(Check(mount.Path, o => o.MinimumFreeBytes = 0));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("EROFS", result.Data["error"]);
        Assert.Contains("read-only file system (EROFS)", result.Description, StringComparison.Ordinal);
        Assert.Equal("tmpfs", result.Data["fileSystem"]);
    }

    [Fact]
    public async Task A_full_file_system_is_unhealthy_naming_ENOSPC_and_degraded_free_space()
    {
        using var mount = TmpfsMount.TryMount("1m", out var reason);
        Assert.SkipWhen(mount is null, $"{reason}; A_file_where_the_directory_should_be_is_unhealthy covers an unwritable journal path instead");
        // Fill it as a growing journal would, leaving less than one probe block.
        await using (var filler = File.Create(Path.Combine(mount!.Path, "activemq-data-1.amq")))
        {
            await filler.WriteAsync(new byte[900 * 1024], TestContext.Current.CancellationToken);
        }

        var result = await Probe.RunAsync(Check(mount.Path, o => o.MinimumFreeBytes = 512 * 1024));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("ENOSPC", result.Data["error"]);
        Assert.Contains("full (ENOSPC)", result.Description, StringComparison.Ordinal);
        Assert.Contains("below MinimumFreeBytes", result.Description, StringComparison.Ordinal);
        // The partial probe file was removed again.
        Assert.Single(Directory.EnumerateFiles(mount.Path));
    }

    [Fact]
    public async Task A_run_that_hangs_is_reported_and_not_repeated_until_it_returns()
    {
        // A FIFO in place of server.lock: opening it blocks until a writer comes, as a call on a hard-mounted share
        // whose server is gone blocks.
        var fifo = _directory.File("server.lock");
        var (exit, output) = Commands.Run("mkfifo", fifo);
        Assert.SkipWhen(exit != 0, $"mkfifo is not available: {output}");
        var check = Check(_directory.Path, o => o.Timeout = TimeSpan.FromMilliseconds(500));

        var hung = await Probe.RunAsync(check);
        var still = await Probe.RunAsync(check);

        Assert.Equal(HealthStatus.Unhealthy, hung.Status);
        Assert.Contains("did not answer within 500 ms", hung.Description, StringComparison.Ordinal);
        Assert.Contains("hung", hung.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Unhealthy, still.Status);
        Assert.Contains("The previous probe", still.Description, StringComparison.Ordinal);
        Assert.Contains("has not returned", still.Description, StringComparison.Ordinal);

        // Release the blocked open: the run ends, and the next one runs again.
        await using (new FileStream(fifo, FileMode.Open, FileAccess.Write))
        {
        }

        File.Delete(fifo);
        var deadline = TimeProvider.System.GetTimestamp();
        HealthCheckResult after;
        do
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
            after = await Probe.RunAsync(check);
        }
        while (after.Description!.Contains("has not returned", StringComparison.Ordinal) && TimeProvider.System.GetElapsedTime(deadline) < TimeSpan.FromSeconds(10));

        Assert.Equal(HealthStatus.Healthy, after.Status);
    }

    private static JournalStorageProbeHealthCheck Check(string directory, Action<JournalStorageProbeOptions>? configure = null)
    {
        // A slow fsync on a loaded machine must not turn a verdict Degraded; the latency test sets its own budget.
        var options = new JournalStorageProbeOptions { DirectoryPath = directory, MinimumFreeBytes = 1, LatencyBudget = TimeSpan.FromSeconds(30) };
        configure?.Invoke(options);
        return new JournalStorageProbeHealthCheck(options);
    }
}
