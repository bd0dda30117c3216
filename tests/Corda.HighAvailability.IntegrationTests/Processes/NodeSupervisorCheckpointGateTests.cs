namespace Corda.HighAvailability.IntegrationTests.Processes;

/// <summary>
/// <c>corda-ha node run --verify-checkpoints</c> against a real PostgreSQL holding Corda 4.6 checkpoint tables: a
/// damaged checkpoint keeps the node down and the lease is handed over; clean tables let the node start; with
/// <c>--verify-checkpoints warn</c> the damaged checkpoint is reported as a warning and the node starts anyway.
/// </summary>
[Collection(ProcessesCollection.Name)]
public sealed class NodeSupervisorCheckpointGateTests(PostgresServer server)
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task A_damaged_checkpoint_keeps_the_node_down_and_clean_tables_let_it_start()
    {
        var connectionString = await server.CreateDatabaseAsync("gate");
        var tables = new CordaTables(connectionString, "public");
        await tables.CreateCorda46Async();
        await tables.InsertCheckpointAsync("flow-damaged", 0);
        await tables.InsertBlobAsync("flow-damaged", [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07], null);
        await tables.InsertMetadataAsync("flow-damaged", finished: false);
        using var directory = new TempDatabase();
        var guardLog = Path.Combine(directory.Directory.FullName, "guard.log");

        using (var refused = SupervisorProcess.Start("postgres", connectionString, "gate-a", "gate-lease", TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(500), guardLog, ["--verify-checkpoints"]))
        {
            var stepped = await refused.TryWaitForAsync(e => e.Name == "stopped-leading", Startup);
            Assert.True(stepped is not null, $"the leader did not step down after the verifier refused. Stderr: {refused.Stderr}");
            Assert.Equal("Released", stepped.Reason);
            Assert.DoesNotContain(refused.Events(), e => e.Name == "node-started");
            Assert.Contains("checkpoint verification", refused.Stderr, StringComparison.Ordinal);
            refused.Signal(15);
            await refused.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        await tables.ExecuteAsync("DELETE FROM public.node_flow_metadata");
        await tables.ExecuteAsync("DELETE FROM public.node_checkpoint_blobs");
        await tables.ExecuteAsync("DELETE FROM public.node_checkpoints");
        using var allowed = SupervisorProcess.Start("postgres", connectionString, "gate-b", "gate-lease", TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(500), guardLog, ["--verify-checkpoints"]);
        var started = await allowed.TryWaitForAsync(e => e.Name == "node-ready", Startup);
        Assert.True(started is not null, $"the node did not start on clean checkpoint tables. Stderr: {allowed.Stderr}");
    }

    [Fact]
    public async Task Under_warn_a_damaged_checkpoint_is_reported_as_a_warning_and_the_node_starts()
    {
        var connectionString = await server.CreateDatabaseAsync("gatewarn");
        var tables = new CordaTables(connectionString, "public");
        await tables.CreateCorda46Async();
        await tables.InsertCheckpointAsync("flow-damaged", 0);
        await tables.InsertBlobAsync("flow-damaged", [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07], null);
        await tables.InsertMetadataAsync("flow-damaged", finished: false);
        using var directory = new TempDatabase();
        var guardLog = Path.Combine(directory.Directory.FullName, "guard.log");

        using var warned = SupervisorProcess.Start("postgres", connectionString, "gate-w", "gate-warn-lease", TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(500), guardLog, ["--verify-checkpoints", "warn"]);
        var ready = await warned.TryWaitForAsync(e => e.Name == "node-ready", Startup);
        Assert.True(ready is not null, $"the node did not start under --verify-checkpoints warn. Stderr: {warned.Stderr}");

        // The same verdict that refuses by default, raised as an event before the node started and logged as a warning.
        var events = warned.Events();
        var warning = Assert.Single(events, e => e.Name == "gate-warning");
        Assert.StartsWith("checkpoint verification: FAILED", warning.Reason, StringComparison.Ordinal);
        Assert.True(warning.T <= events.First(e => e.Name == "node-started").T, "the warning came after the node started");
        Assert.DoesNotContain(events, e => e.Name == "stopped-leading");
        Assert.Contains("warn: Corda.HighAvailability.LeaseElection.Supervision.NodeSupervisor[1212]", warned.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_verify_mode_is_a_usage_error_naming_the_option()
    {
        var run = await CordaHaTool.RunAsync(
            TimeSpan.FromSeconds(60),
            "node", "run", "--provider", "postgres", "--connection", "Host=127.0.0.1;Database=none", "--verify-checkpoints", "ignore",
            "--", "/bin/sleep", "60");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--verify-checkpoints", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("'ignore'", run.Stderr, StringComparison.Ordinal);
    }
}
