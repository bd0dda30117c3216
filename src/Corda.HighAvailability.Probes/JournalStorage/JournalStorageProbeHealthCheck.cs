using System.Security.Cryptography;
using Corda.HighAvailability.Probes.Internal;
using Corda.HighAvailability.Probes.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Probes.JournalStorage;

/// <summary>
/// Probes the storage of an Artemis journal (on a shared drive for hot-cold failover): that the directory exists and
/// takes durable writes (a journal-sized block written through, flushed to disk and deleted), how fast (the 50th and
/// 99th percentiles of the latest writes), how much space is free, and who holds the broker's <c>server.lock</c>
/// (read without taking any lock). Unhealthy when a write fails (read-only or full file system, permission, a hung
/// mount), naming the cause; Degraded when writes are slower than <see cref="JournalStorageProbeOptions.LatencyBudget"/>
/// or free space is below <see cref="JournalStorageProbeOptions.MinimumFreeBytes"/>.
/// </summary>
/// <remarks>
/// Keep one instance per journal: it holds the latency window, and it never starts a run while the previous one is
/// still blocked in the file system. The registration from <c>AddCordaJournalStorageProbe</c> does.
/// </remarks>
public sealed class JournalStorageProbeHealthCheck : IHealthCheck
{
    private readonly JournalStorageProbeOptions _options;
    private readonly TimeProvider _time;
    private readonly ProbeMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly LatencyWindow _window;
    private readonly byte[] _block;
    private readonly object _gate = new();
    private Task<ProbeReport>? _running;
    private long _runningSince;

    /// <summary>Creates the check.</summary>
    /// <param name="options">The journal directory and limits; validated here.</param>
    /// <param name="timeProvider">The clock for latencies and the timeout; default <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="OptionsValidationException">The options are not usable; the message names the option.</exception>
    public JournalStorageProbeHealthCheck(JournalStorageProbeOptions options, TimeProvider? timeProvider = null)
        : this(options, timeProvider, metrics: null, logger: null)
    {
    }

    internal JournalStorageProbeHealthCheck(JournalStorageProbeOptions options, TimeProvider? timeProvider, ProbeMetrics? metrics, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new JournalStorageProbeOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(JournalStorageProbeOptions), validation.Failures);
        }

        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _metrics = metrics;
        _logger = logger ?? NullLogger.Instance;
        _window = new LatencyWindow(options.LatencySamples);
        // Random bytes, so that a compressing or deduplicating file system cannot make the write cheaper than a journal's.
        _block = new byte[options.BlockSize];
        RandomNumberGenerator.Fill(_block);
    }

    private string DirectoryPath => _options.DirectoryPath;

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = _time.GetTimestamp();
        var result = await ProbeAsync(context.Registration, cancellationToken).ConfigureAwait(false);
        _metrics?.Probed(ProbeMetrics.JournalStorage, context.Registration.Name, result.Status, _time.GetElapsedTime(started));
        return result;
    }

    private async Task<HealthCheckResult> ProbeAsync(HealthCheckRegistration registration, CancellationToken cancellationToken)
    {
        Task<ProbeReport> run;
        TimeSpan busyFor = default;
        var busy = false;
        lock (_gate)
        {
            if (_running is { IsCompleted: false })
            {
                busy = true;
                busyFor = _time.GetElapsedTime(_runningSince);
                run = _running;
            }
            else
            {
                _runningSince = _time.GetTimestamp();
                _running = run = Task.Run(Inspect, CancellationToken.None);
            }
        }

        if (busy)
        {
            ProbeLog.StorageStillBusy(_logger, registration.Name, DirectoryPath, busyFor.TotalSeconds);
            return Hung(registration.FailureStatus, $"The previous probe of the journal directory {DirectoryPath} has not returned after {ProbeReport.FormatTimeSpan(busyFor)}");
        }

        try
        {
            var report = await run.WaitAsync(_options.Timeout, _time, cancellationToken).ConfigureAwait(false);
            return Conclude(report, registration.FailureStatus);
        }
        catch (TimeoutException)
        {
            var since = _runningSince;
            _ = run.ContinueWith(
                _ => ProbeLog.StorageReturned(_logger, registration.Name, DirectoryPath, _time.GetElapsedTime(since).TotalSeconds),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return Hung(registration.FailureStatus, $"The journal directory {DirectoryPath} did not answer within {ProbeReport.FormatTimeSpan(_options.Timeout)}");
        }
    }

    private HealthCheckResult Hung(HealthStatus failureStatus, string what)
    {
        var report = new ProbeReport();
        report.Data["directory"] = DirectoryPath;
        report.Data["error"] = "Timeout";
        AddLatencies(report);
        report.Unhealthy($"{what}: the storage is hung (an unreachable NFS or SMB server behind a hard mount?). The broker's journal writes are probably blocked too; no new probe write starts until this one returns.");
        return report.ToResult(failureStatus, string.Empty);
    }

    /// <summary>One run, on a thread of its own: every file system call may block for as long as the storage does.</summary>
    private ProbeReport Inspect()
    {
        var report = new ProbeReport();
        report.Data["directory"] = DirectoryPath;
        report.Data["blockBytes"] = _options.BlockSize;
        if (File.Exists(DirectoryPath))
        {
            report.Data["error"] = "ENOTDIR";
            report.Unhealthy($"The journal path {DirectoryPath} is a file, not a directory: check DirectoryPath and what is mounted there.");
            return report;
        }

        if (!Directory.Exists(DirectoryPath))
        {
            report.Data["error"] = "ENOENT";
            report.Unhealthy($"The journal directory {DirectoryPath} does not exist or cannot be reached by user '{Environment.UserName}': is the shared drive mounted?");
            return report;
        }

        var mounts = MountTable.Read();
        var mount = mounts is null ? null : MountTable.Containing(mounts, Path.GetFullPath(DirectoryPath));
        if (mount is not null)
        {
            report.Data["fileSystem"] = mount.Type;
            report.Data["mountPoint"] = mount.MountPoint;
        }

        CheckFreeSpace(report, mount);
        Write(report);
        if (_options.InspectServerLock)
        {
            var findings = ServerLockInspector.Inspect(Path.Combine(DirectoryPath, _options.ServerLockFileName), mount);
            if (findings.Lock == LockState.Unknown && findings.Exists)
            {
                ProbeLog.LockStateUnknown(_logger, findings.Path, findings.LockCheck);
            }

            ServerLockReport.Add(report, findings, _options);
        }

        return report;
    }

    private void CheckFreeSpace(ProbeReport report, Mount? mount)
    {
        try
        {
            var drive = new DriveInfo(DirectoryPath);
            var free = drive.AvailableFreeSpace;
            report.Data["freeBytes"] = free;
            report.Data["totalBytes"] = drive.TotalSize;
            if (mount is null)
            {
                report.Data["fileSystem"] = drive.DriveFormat;
            }

            if (_options.MinimumFreeBytes > 0 && free < _options.MinimumFreeBytes)
            {
                report.Degraded(
                    $"Only {ProbeReport.FormatBytes(free)} free on the journal's file system ({DirectoryPath}), below MinimumFreeBytes of {ProbeReport.FormatBytes(_options.MinimumFreeBytes)}: "
                    + "free space or grow the volume before the broker blocks producers or fails.");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            report.Data["freeSpaceError"] = e.Message;
        }
    }

    private void Write(ProbeReport report)
    {
        var path = Path.Combine(DirectoryPath, ProbeFileName());
        var started = _time.GetTimestamp();
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 0,
                Options = FileOptions.WriteThrough,
            };
            using (var stream = new FileStream(path, options))
            {
                stream.Write(_block);
                stream.Flush(flushToDisk: true);
            }

            var elapsed = _time.GetElapsedTime(started);
            _window.Add(elapsed);
            report.Data["writeMs"] = ProbeReport.Milliseconds(elapsed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var (code, problem) = StorageErrors.Describe(e, DirectoryPath);
            report.Data["error"] = code;
            report.Data["errorMessage"] = e.Message;
            report.Unhealthy(problem);
        }
        finally
        {
            Delete(report, path);
        }
    }

    private void Delete(ProbeReport report, string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            report.Data["probeFileLeft"] = path;
            ProbeLog.ProbeFileLeft(_logger, e, path);
        }
    }

    private HealthCheckResult Conclude(ProbeReport report, HealthStatus failureStatus)
    {
        var latencies = AddLatencies(report);
        if (latencies is not null && report.Data.ContainsKey("writeMs") && latencies.P99 > _options.LatencyBudget.TotalMilliseconds)
        {
            report.Degraded(
                $"Durable writes to the journal directory {DirectoryPath} are slow: p99 {Ms(latencies.P99)} over the last {Probes(latencies.Samples)}, above LatencyBudget of {ProbeReport.FormatTimeSpan(_options.LatencyBudget)} "
                + "(p50 " + Ms(latencies.P50) + "). Every broker commit waits for such a write: expect slow flows, and check the storage and the network path to it.");
        }

        var summary = report.Data.TryGetValue("writeMs", out var written)
            ? $"Journal directory {DirectoryPath}{FileSystem(report)}: {ProbeReport.FormatBytes(_options.BlockSize)} written and synced in {Ms((double)written)}"
              + (latencies is null ? string.Empty : $" (p50 {Ms(latencies.P50)}, p99 {Ms(latencies.P99)} over {Probes(latencies.Samples)})")
              + (report.Data.TryGetValue("freeBytes", out var free) ? $", {ProbeReport.FormatBytes((long)free)} free." : ".")
            : string.Empty;
        if (report.Data.TryGetValue("serverLockSummary", out var lockSummary))
        {
            summary = string.IsNullOrEmpty(summary) ? $"{lockSummary}." : $"{summary} {lockSummary}.";
        }

        return report.ToResult(failureStatus, summary);
    }

    private LatencySummary? AddLatencies(ProbeReport report)
    {
        var latencies = _window.Summarize();
        report.Data["latencyBudgetMs"] = ProbeReport.Milliseconds(_options.LatencyBudget);
        if (latencies is not null)
        {
            report.Data["latencySamples"] = latencies.Samples;
            report.Data["latencyP50Ms"] = Math.Round(latencies.P50, 2);
            report.Data["latencyP99Ms"] = Math.Round(latencies.P99, 2);
            report.Data["latencyMaxMs"] = Math.Round(latencies.Max, 2);
        }

        return latencies;
    }

    private static string FileSystem(ProbeReport report) =>
        report.Data.TryGetValue("fileSystem", out var type) ? $" ({type})" : string.Empty;

    private static string Probes(int samples) => samples == 1 ? "1 probe" : $"{samples} probes";

    private static string Ms(double milliseconds) => ProbeReport.FormatMilliseconds(TimeSpan.FromMilliseconds(milliseconds));

    private static string ProbeFileName()
    {
        var machine = string.Concat(Environment.MachineName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_'));
        return $".corda-ha-probe-{machine}-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp";
    }
}
