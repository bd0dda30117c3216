namespace Corda.HighAvailability.IntegrationTests.Processes;

/// <summary>
/// <c>corda-ha node run --verify-checkpoints</c> against a real PostgreSQL holding Corda 4.6 checkpoint tables: a
/// damaged checkpoint keeps the node down and the lease is handed over; clean tables let the node start.
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
}
