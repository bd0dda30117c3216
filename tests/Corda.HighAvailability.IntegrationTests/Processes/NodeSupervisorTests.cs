using Corda.HighAvailability.LeaseElection;
using Corda.HighAvailability.LeaseElection.Supervision;
using Corda.HighAvailability.LeaseElection.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.IntegrationTests.Processes;

/// <summary>
/// The node supervisor's policies with real processes on real SQLite files: crash restarts and the step-down after
/// repeated crashes, a refusing pre-start gate, and options that cannot kill the node before the lease can lapse.
/// </summary>
[Collection(ProcessesCollection.Name)]
public sealed class NodeSupervisorTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(45);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_crashing_node_is_restarted_then_the_lease_is_released_after_max_crashes()
    {
        using var database = new TempDatabase();
        var guardLog = Path.Combine(database.Directory.FullName, "guard.log");
        string[] crashing = ["--max-crashes", "2", "--crash-window", "5m"];
        using var first = SupervisorProcess.Start("sqlite", database.ConnectionString, "crash-a", "crash-lease", Lease, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(500), guardLog, crashing, ["--crash-after", "700ms"]);
        var leading = await first.TryWaitForAsync(e => e.Name == "leading", Startup) ?? throw Fail(first, "leading");
        using var second = SupervisorProcess.Start("sqlite", database.ConnectionString, "crash-b", "crash-lease", Lease, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(500), guardLog, crashing, ["--crash-after", "700ms"]);

        // Two crashes (exit code 3 from the stand-in), a restart between them, then the lease is given up.
        var released = await first.TryWaitForAsync(e => e.Name == "stopped-leading", Startup) ?? throw Fail(first, "stepping down");
        var events = first.Events();
        output.WriteLine(string.Join(", ", events.Select(e => $"{e.Name}:{e.Pid}:{e.Code}:{e.Reason}")));
        var crashes = events.Where(e => e.Name == "node-exited" && e.T <= released.T && e.Reason == "exit" && e.Code == 3).ToList();
        Assert.Equal(2, crashes.Count);
        Assert.Equal(2, events.Count(e => e.Name == "node-started" && e.T <= released.T));
        Assert.Equal("Released", released.Reason);

        // The standby takes over, and the crashing host does not take the lease straight back.
        var takeover = await second.TryWaitForAsync(e => e.Name == "leading" && e.Epoch > leading.Epoch, Startup) ?? throw Fail(second, "a takeover");
        Assert.DoesNotContain(first.Events(), e => e.Name == "leading" && e.T > released.T && e.T < takeover.T);
    }

    [Fact]
    public async Task Options_that_cannot_kill_the_node_before_the_lease_can_lapse_are_refused()
    {
        using var database = new TempDatabase();
        var run = await CordaHaTool.RunAsync(
            TimeSpan.FromSeconds(60),
            "node", "run", "--provider", "sqlite", "--connection", database.ConnectionString, "--create-schema",
            "--lease-duration", "3s", "--renew-deadline", "2s", "--grace", "1s", "--safety-margin", "500ms",
            "--", "/bin/sleep", "60");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("NodeProcessOptions.GracePeriod", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("LeaseElectionOptions.RenewDeadline", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("NodeProcessOptions.SafetyMargin", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unexpected error", run.Stderr, StringComparison.Ordinal);

        // Without --renew-deadline the tool derives it; a grace longer than the lease leaves nothing to derive.
        var tooLong = await CordaHaTool.RunAsync(
            TimeSpan.FromSeconds(60),
            "node", "run", "--provider", "sqlite", "--connection", database.ConnectionString, "--create-schema",
            "--lease-duration", "15s", "--grace", "30s", "--", "/bin/sleep", "60");
        Assert.Equal(2, tooLong.ExitCode);
        Assert.Contains("--grace", tooLong.Stderr, StringComparison.Ordinal);
        Assert.Contains("--lease-duration", tooLong.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_validator_accepts_a_kill_that_lands_a_margin_before_the_lease_and_refuses_one_later()
    {
        var lease = Options.Create(new LeaseElectionOptions { LeaseDuration = TimeSpan.FromSeconds(15), RenewDeadline = TimeSpan.FromSeconds(10) });
        var validator = new NodeProcessOptionsValidator(lease);

        var fits = new NodeProcessOptions { Command = "java", GracePeriod = TimeSpan.FromSeconds(4), SafetyMargin = TimeSpan.FromSeconds(1) };
        Assert.True(validator.Validate(null, fits).Succeeded);

        var late = new NodeProcessOptions { Command = "java", GracePeriod = TimeSpan.FromSeconds(30), SafetyMargin = TimeSpan.FromSeconds(1) };
        var result = validator.Validate(null, late);
        Assert.True(result.Failed);
        Assert.Contains("NodeProcessOptions.GracePeriod", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("LeaseElectionOptions.LeaseDuration", result.FailureMessage, StringComparison.Ordinal);

        var noMargin = new NodeProcessOptions { Command = "java", GracePeriod = TimeSpan.FromSeconds(1), SafetyMargin = TimeSpan.Zero };
        Assert.Contains("NodeProcessOptions.SafetyMargin", validator.Validate(null, noMargin).FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refusing_pre_start_gate_keeps_the_node_down_and_releases_the_lease()
    {
        using var database = new TempDatabase();
        var checks = 0;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
        var guard = CordaHaTool.StartInfo(["node", "guard"]);
        builder.Services.AddCordaHa(ha => ha
            .AddLeaseElection(o =>
            {
                o.LeaseName = "gate-lease";
                o.LeaseDuration = Lease;
                o.RenewDeadline = TimeSpan.FromSeconds(2);
                o.RetryPeriod = TimeSpan.FromMilliseconds(400);
                o.AutoCreateSchema = true;
            })
            .UseSqlite(database.ConnectionString)
            .RunProcessWhileLeader(o =>
            {
                o.Command = "/bin/sleep";
                o.Arguments.Add("60");
                o.GracePeriod = TimeSpan.FromMilliseconds(200);
                o.SafetyMargin = TimeSpan.FromMilliseconds(500);
                o.GuardCommand = guard.FileName;
                o.GuardArguments.Clear();
                foreach (var argument in guard.ArgumentList)
                {
                    o.GuardArguments.Add(argument);
                }
            })
            .AddPreStartGate((_, _, _) =>
            {
                Interlocked.Increment(ref checks);
                return new(PreStartGateResult.Refuse("the checkpoint tables are damaged (test)"));
            }));
        using var host = builder.Build();
        var supervisor = host.Services.GetRequiredService<INodeSupervisor>();
        var started = 0;
        supervisor.ProcessStarted += (_, _) => Interlocked.Increment(ref started);
        var elector = host.Services.GetRequiredService<ILeaseElector>();
        await host.StartAsync(Ct);
        try
        {
            var token = await elector.WaitForLeadershipAsync(Ct).WaitAsync(Startup, Ct);
            await using var store = new SqliteLeaseStore(new SqliteLeaseStoreOptions { ConnectionString = database.ConnectionString }, TimeProvider.System);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Corda.HighAvailability.LeaseElection.Storage.LeaseRecord? record = null;
            while (clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                record = await store.ReadAsync("gate-lease", Ct);
                if (record is { Holder: null } && record.Epoch == token.Epoch)
                {
                    break;
                }

                await Task.Delay(50, Ct);
            }

            Assert.True(record is { Holder: null }, $"the lease was not released after the gate refused: {record?.Holder?.Id} at epoch {record?.Epoch}");
            Assert.True(Volatile.Read(ref checks) >= 1);
            Assert.Equal(0, Volatile.Read(ref started));
            Assert.Null(supervisor.ProcessId);
        }
        finally
        {
            await host.StopAsync(Ct);
        }
    }

    private static Xunit.Sdk.XunitException Fail(SupervisorProcess supervisor, string what) =>
        new($"{supervisor.Identity}: no {what}. Events: {string.Join(", ", supervisor.Events().Select(e => e.Name + ":" + e.Pid))}. Stderr: {supervisor.Stderr}");
}
