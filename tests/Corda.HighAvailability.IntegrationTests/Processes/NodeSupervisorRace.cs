using System.Data.Common;

namespace Corda.HighAvailability.IntegrationTests.Processes;

/// <summary>
/// Three (then four) <c>corda-ha node run</c> supervisors race for one lease, each running the stand-in node; the
/// leader's supervisor, node and guard are taken down with real signals, one fault after another. Afterwards the
/// heartbeat table (commit order) and the guard log (node lifetimes on CLOCK_MONOTONIC) must show that no two nodes
/// ever ran at once.
/// </summary>
internal sealed class NodeSupervisorRace(string provider, string connectionString, Func<DbConnection> openConnection, ITestOutputHelper output) : IDisposable
{
    private const int Kill = 9;
    private const int Terminate = 15;
    private const int Continue = 18;
    private const int Stop = 19;

    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Takeover = TimeSpan.FromSeconds(40);

    private readonly List<SupervisorProcess> _supervisors = [];
    private readonly HashSet<int> _retired = [];
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("corda-ha-tests-supervisor-");
    private readonly string _lease = "node-" + Guid.NewGuid().ToString("N")[..8];
    private int _started;

    private string GuardLog => Path.Combine(_directory.FullName, "guard.log");

    public async Task RunAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            StartSupervisor();
        }

        var (leader, node) = await WaitForNewNodeAsync(exceptPid: 0, "the first node");

        // 1. SIGKILL of the leader's supervisor: its guard sees the pipe close, stops the node, releases the lease.
        leader.Kill();
        (leader, node) = await WaitForNewNodeAsync(node, "a takeover after SIGKILL of the supervisor");
        StartSupervisor();

        // 2. SIGKILL of the node: a crash, restarted by the same supervisor (or taken over).
        Send(node, Kill);
        (leader, node) = await WaitForNewNodeAsync(node, "a restart after SIGKILL of the node");

        // 3. SIGSTOP of the leader's supervisor: its guard kills the node on the deadline, a standby takes over once
        // the lease lapsed. (A SQLite supervisor stopped inside a write holds the file's lock; the takeover then
        // follows the resume.) The resumed supervisor must not run a node under its old term.
        leader.Signal(Stop);
        var paused = leader;
        try
        {
            var during = await TryWaitForNewNodeAsync(node, Lease * 4);
            paused.Signal(Continue);
            (leader, node) = during ?? await WaitForNewNodeAsync(node, "a takeover from a SIGSTOPped supervisor");
        }
        finally
        {
            paused.Signal(Continue);
        }

        // 4. SIGSTOP of the node, then SIGTERM of its supervisor: the polite stop cannot land, SIGKILL after the grace.
        Send(node, Stop);
        leader.Signal(Terminate);
        (leader, node) = await WaitForNewNodeAsync(node, "a takeover after SIGTERM of the supervisor of a stopped node");

        // 5. SIGTERM of the node: it exits by itself, a crash for the supervisor, which restarts it.
        Send(node, Terminate);
        (leader, node) = await WaitForNewNodeAsync(node, "a restart after SIGTERM of the node");

        // 6. SIGKILL of the guard: the kernel kills the node (parent-death signal); the supervisor steps down.
        var guard = GuardOf(node);
        Send(guard, Kill);
        (leader, node) = await WaitForNewNodeAsync(node, "a new node after SIGKILL of the guard");

        await Task.Delay(TimeSpan.FromMilliseconds(500));
        foreach (var supervisor in _supervisors.Where(s => !s.HasExited))
        {
            supervisor.Signal(Terminate);
        }

        foreach (var supervisor in _supervisors)
        {
            await supervisor.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        Verify();
    }

    public void Dispose()
    {
        foreach (var supervisor in _supervisors)
        {
            supervisor.Dispose();
        }

        // Whatever the test did, no node or guard may survive it.
        foreach (var life in NodeRunRecord.ReadGuardLog(GuardLog).Where(e => e.Name == "started"))
        {
            Send(life.Pid, Kill);
            Send(life.Guard, Kill);
        }

        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A process killed a moment ago may still hold a file.
        }
    }

    /// <summary>Whether the process exists and is not a zombie.</summary>
    private static bool Running(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            return close > 0 && close + 2 < stat.Length && stat[close + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void Send(int pid, int signal)
    {
        if (pid > 0)
        {
            _ = SignalNative(pid, signal);
        }
    }

#pragma warning disable SYSLIB1054 // DllImport keeps the test project free of AllowUnsafeBlocks.
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int SignalNative(int pid, int sig);
#pragma warning restore SYSLIB1054

    private void Verify()
    {
        var events = _supervisors.SelectMany(s => s.Events()).ToList();
        var guardLog = NodeRunRecord.ReadGuardLog(GuardLog);
        var lifetimes = NodeRunRecord.Lifetimes(guardLog, events);
        foreach (var life in lifetimes)
        {
            output.WriteLine($"node {life.Pid} (guard {life.Guard}, epoch {life.Epoch}): {life.StartNs / 1e6:0.0} .. {life.EndNs / 1e6:0.0} ms, {life.Reason} {life.Code}");
        }

        if (File.Exists(GuardLog))
        {
            output.WriteLine(File.ReadAllText(GuardLog));
        }

        foreach (var supervisor in _supervisors)
        {
            output.WriteLine($"{supervisor.Identity}: {string.Join(", ", supervisor.Events().Select(e => $"{e.Name}:{e.Pid}:{e.Reason}"))}");
            output.WriteLine(string.Join('\n', supervisor.Stderr.Split('\n').Where(l => !l.Contains("[node", StringComparison.Ordinal))));
        }

        var margins = NodeRunRecord.Margins(lifetimes);
        output.WriteLine($"margins between a node's death and the next start (ms): {string.Join(", ", margins.Select(m => m.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)))}");
        Assert.True(lifetimes.Count >= 7, $"expected at least 7 node lifetimes, got {lifetimes.Count}");
        Assert.All(lifetimes, life => Assert.True(life.EndNs is not null, $"node {life.Pid}: no record of its death"));
        Assert.All(margins, margin => Assert.True(margin > 0, $"a node started {-margin:0.0} ms before the previous one was dead"));

        // The guard killed the node of the SIGSTOPped supervisor on its deadline, and released the lease after the SIGKILLed one.
        Assert.Contains(lifetimes, life => life.Reason == "deadline");
        Assert.Contains(lifetimes, life => life.Reason == "orphaned");
        Assert.Contains(guardLog, e => e.Name == "released");

        using var connection = openConnection();
        var heartbeats = NodeRunRecord.ReadHeartbeats(connection);
        var holders = heartbeats.Select(h => h.Holder).Distinct().Count();
        output.WriteLine($"{heartbeats.Count} heartbeats from {holders} nodes on {provider}");
        Assert.True(holders >= 6, $"expected heartbeats from at least 6 nodes, got {holders}");
        Assert.Empty(NodeRunRecord.Interleavings(heartbeats));
    }

    private void StartSupervisor()
    {
        var identity = $"sup-{++_started}";
        _supervisors.Add(SupervisorProcess.Start(provider, connectionString, identity, _lease, Lease, Grace, Margin, GuardLog));
    }

    private int GuardOf(int node) =>
        NodeRunRecord.ReadGuardLog(GuardLog).LastOrDefault(e => e.Name == "started" && e.Pid == node)?.Guard
        ?? throw new Xunit.Sdk.XunitException($"node {node} is not in the guard log");

    private async Task<(SupervisorProcess Leader, int Node)> WaitForNewNodeAsync(int exceptPid, string what)
    {
        var found = await TryWaitForNewNodeAsync(exceptPid, Takeover);
        if (found is { } f)
        {
            output.WriteLine($"{System.Diagnostics.Stopwatch.GetTimestamp() / 1e6:0.0} ms: {what}: {f.Leader.Identity} runs node {f.Node}");
            return f;
        }

        throw new Xunit.Sdk.XunitException($"no {what} within {Takeover.TotalSeconds} s. Supervisors: {string.Join(" | ", _supervisors.Select(s => $"{s.Identity}: {string.Join(",", s.Events().Select(e => e.Name + ":" + e.Pid))} stderr: {s.Stderr}"))}");
    }

    /// <summary>Waits for a node other than <paramref name="exceptPid"/> to be ready, and returns it with its supervisor.</summary>
    private async Task<(SupervisorProcess Leader, int Node)?> TryWaitForNewNodeAsync(int exceptPid, TimeSpan timeout)
    {
        // A node once faulted is never "the new one" again, even while its supervisor has not yet reported its end.
        _retired.Add(exceptPid);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            foreach (var supervisor in _supervisors.Where(s => !s.HasExited))
            {
                if (supervisor.Events().LastOrDefault(e => e.Name == "node-ready") is { } ready && !_retired.Contains(ready.Pid) && supervisor.RunningNode() == ready.Pid && Running(ready.Pid))
                {
                    // A few heartbeats from it before the next fault.
                    await Task.Delay(TimeSpan.FromMilliseconds(300));
                    return (supervisor, ready.Pid);
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        return null;
    }
}
