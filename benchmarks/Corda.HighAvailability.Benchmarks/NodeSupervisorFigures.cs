using System.Diagnostics;
using System.Globalization;
using Corda.HighAvailability.Testing;

namespace Corda.HighAvailability.Benchmarks;

/// <summary>
/// <c>--node-supervisor [rounds] [lease-seconds] [sqlite|postgres]</c>: a whole-process harness of <c>corda-ha node
/// run</c> with the stand-in node. Each round starts a leader and a standby supervisor, then takes the leader down:
/// SIGKILL of its supervisor (the guard stops the node and releases the lease), SIGTERM of its supervisor (graceful
/// handover), and SIGSTOP of its supervisor (the guard kills the node on its deadline; the standby waits out the
/// lease). For each it reports the takeover time (from the signal to the new node's start) and the margin between the
/// old node's confirmed death (guard log) and the new node's start, both on CLOCK_MONOTONIC.
/// </summary>
internal static class NodeSupervisorFigures
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(1);

    public static void Run(int rounds, TimeSpan lease, string provider)
    {
        using var postgres = provider == "postgres" ? ThrowawayPostgres.Start() : null;
        var directory = Directory.CreateTempSubdirectory("corda-ha-bench-node-");
        var connectionString = postgres?.ConnectionString ?? $"Data Source={Path.Combine(directory.FullName, "ha.db")}";
        var results = new Dictionary<string, List<(double Takeover, double Margin)>>(StringComparer.Ordinal);
        Console.WriteLine($"node supervisor figures: {rounds} rounds, lease {lease.TotalSeconds} s, grace {Grace.TotalSeconds} s, safety margin {Margin.TotalSeconds} s, {provider}");
        try
        {
            for (var round = 1; round <= rounds; round++)
            {
                foreach (var fault in new[] { "SIGKILL", "SIGTERM", "SIGSTOP" })
                {
                    var (takeover, margin) = RunOnce(provider, connectionString, directory.FullName, lease, fault, $"r{round}-{fault}");
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round} {fault} of the supervisor: new node {takeover:0} ms after the signal, {margin:0.0} ms after the old node's death"));
                    results.TryAdd(fault, []);
                    results[fault].Add((takeover, margin));
                }
            }
        }
        finally
        {
            try
            {
                directory.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A process killed a moment ago may still hold a file.
            }
        }

        Console.WriteLine();
        Console.WriteLine("| supervisor fault | runs | takeover min / median / max (ms) | margin death→start min (ms) |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (fault, values) in results)
        {
            var takeovers = values.Select(v => v.Takeover).Order().ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {fault} | {values.Count} | {takeovers[0]:0} / {takeovers[takeovers.Count / 2]:0} / {takeovers[^1]:0} | {values.Min(v => v.Margin):0.0} |"));
        }
    }

    private static (double TakeoverMs, double MarginMs) RunOnce(string provider, string connectionString, string directory, TimeSpan lease, string fault, string leaseName)
    {
        var guardLog = Path.Combine(directory, leaseName + ".guard.log");
        using var leader = SupervisorProcess.Start(provider, connectionString, leaseName + "-a", leaseName, lease, Grace, Margin, guardLog);
        var ready = Wait(leader, e => e.Name == "node-ready", TimeSpan.FromSeconds(60), "the leader's node");
        using var standby = SupervisorProcess.Start(provider, connectionString, leaseName + "-b", leaseName, lease, Grace, Margin, guardLog);

        // The standby must be up and have read the lease (a process start takes seconds on a loaded machine, and would
        // otherwise count as takeover time), and have its spare guard ready; a fresh standby waits a whole lease
        // before a takeover of a grant it has only just seen, which only the SIGSTOP case waits for.
        Wait(standby, e => e.Name == "observed" && e.Reason == leaseName + "-a", TimeSpan.FromSeconds(60), "the standby's sight of the lease");
        Thread.Sleep(TimeSpan.FromSeconds(3));
        var signalled = PosixNow();
        switch (fault)
        {
            case "SIGKILL":
                leader.Kill();
                break;
            case "SIGTERM":
                leader.Signal(15);
                break;
            default:
                leader.Signal(19);
                break;
        }

        try
        {
            var started = Wait(standby, e => e.Name == "node-started", lease * 4, "the standby's node");
            var death = NodeRunRecord.ReadGuardLog(guardLog).FirstOrDefault(e => e.Name == "exited" && e.Pid == ready.Pid)?.Ns
                ?? leader.Events().FirstOrDefault(e => e.Name == "node-exited" && e.Pid == ready.Pid)?.T
                ?? throw new InvalidOperationException($"no record of node {ready.Pid}'s death");
            return ((started.T - signalled) / 1e6, (started.T - death) / 1e6);
        }
        finally
        {
            if (fault == "SIGSTOP")
            {
                leader.Signal(18);
            }

            foreach (var supervisor in new[] { leader, standby }.Where(s => !s.HasExited))
            {
                supervisor.Signal(15);
                supervisor.WaitForExitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
            }
        }
    }

    private static SupervisorEvent Wait(SupervisorProcess supervisor, Func<SupervisorEvent, bool> match, TimeSpan timeout, string what) =>
        supervisor.TryWaitForAsync(match, timeout).GetAwaiter().GetResult()
        ?? throw new TimeoutException($"no {what} within {timeout}: {supervisor.Stderr}");

    private static long PosixNow() => Stopwatch.Frequency == 1_000_000_000
        ? Stopwatch.GetTimestamp()
        : (long)((Int128)Stopwatch.GetTimestamp() * 1_000_000_000 / Stopwatch.Frequency);
}
