using System.Text.Json;
using Corda.HighAvailability.Tool.Cli;

namespace Corda.HighAvailability.Checkpoints.Tests.Tool;

/// <summary>
/// <c>corda-ha flows list|show|summary</c> as an operator runs them: a real process against the real PostgreSQL holding
/// Corda-shaped tables, exit codes, text and JSON. The tool uses the wall clock, so ages here are only bounded, never exact.
/// </summary>
public sealed class FlowsCommandTests(PostgresServer server) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly List<CordaTables> _schemas = [];
    private string _database = string.Empty;

    public async ValueTask InitializeAsync() => _database = await server.GetClassDatabaseAsync(GetType());

    public async ValueTask DisposeAsync()
    {
        foreach (var schema in _schemas)
        {
            await schema.DropAsync();
        }
    }

    [Fact]
    public async Task Summary_json_has_the_total_and_a_count_for_every_status()
    {
        var (tables, _) = await SeededAsync();

        var run = await RunAsync(tables, "summary", "--format", "json");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.Equal(7, root.GetProperty("total").GetInt64());
        var byStatus = root.GetProperty("byStatus");
        Assert.Equal(
            new[] { ("runnable", 1L), ("failed", 1L), ("completed", 0L), ("hospitalized", 2L), ("killed", 1L), ("paused", 1L) },
            byStatus.EnumerateObject().Select(p => (p.Name, p.Value.GetInt64())).ToArray());
        Assert.Equal(1, root.GetProperty("unrecognized").GetInt64());
        var hospitalizedAge = root.GetProperty("oldestAgeSeconds").GetProperty("hospitalized").GetDouble();
        Assert.InRange(hospitalizedAge, 3 * 3600 - 5, 3 * 3600 + 600);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("oldestAgeSeconds").GetProperty("completed").ValueKind);
        Assert.Equal(("postgres", tables.Schema), (root.GetProperty("provider").GetString(), root.GetProperty("databaseSchema").GetString()));
        Assert.Empty(run.Stderr);
    }

    [Fact]
    public async Task List_filters_by_status_and_age_and_reports_a_cut_list()
    {
        var (tables, ids) = await SeededAsync();

        var stuck = await RunAsync(tables, "list", "--status", "hospitalized,paused", "--older-than", "1h", "--format", "json");
        var limited = await RunAsync(tables, "list", "-s", "hospitalized", "-s", "paused", "--limit", "1", "--format", "json");

        Assert.True(stuck.ExitCode == ExitCodes.Success, stuck.ToString());
        using var json = JsonDocument.Parse(stuck.Stdout);
        var flows = json.RootElement.GetProperty("flows").EnumerateArray().ToList();
        Assert.Equal([ids["paused"], ids["hospitalized"]], flows.Select(f => f.GetProperty("flowId").GetString()));
        Assert.Equal(["hospitalized", "paused"], json.RootElement.GetProperty("statuses").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(3600, json.RootElement.GetProperty("olderThanSeconds").GetDouble());
        Assert.False(json.RootElement.GetProperty("truncated").GetBoolean());
        var hospitalized = flows[1];
        Assert.Equal(("hospitalized", "initiated", "O=PartyB, L=New York, C=US"), (hospitalized.GetProperty("status").GetString(), hospitalized.GetProperty("startType").GetString(), hospitalized.GetProperty("startedBy").GetString()));
        Assert.Equal("net.corda.core.flows.NotaryException", hospitalized.GetProperty("exception").GetProperty("type").GetString());
        Assert.Equal("SendAndReceive", hospitalized.GetProperty("suspendedOn").GetString());

        Assert.True(limited.ExitCode == ExitCodes.Success, limited.ToString());
        using var cut = JsonDocument.Parse(limited.Stdout);
        Assert.Equal((1, true), (cut.RootElement.GetProperty("count").GetInt32(), cut.RootElement.GetProperty("truncated").GetBoolean()));
        Assert.Equal(ids["paused"], cut.RootElement.GetProperty("flows")[0].GetProperty("flowId").GetString());
    }

    [Fact]
    public async Task List_and_summary_print_tables_for_people()
    {
        var (tables, ids) = await SeededAsync();

        var list = await RunAsync(tables, "list", "--status", "hospitalized");
        var summary = await RunAsync(tables, "summary");

        Assert.True(list.ExitCode == ExitCodes.Success, list.ToString());
        Assert.Contains("FLOW ID", list.Stdout, StringComparison.Ordinal);
        Assert.Contains(ids["hospitalized"], list.Stdout, StringComparison.Ordinal);
        Assert.Contains("NotaryException: Unable to notarise", list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(ids["paused"], list.Stdout, StringComparison.Ordinal);
        Assert.Contains("2 flows.", list.Stdout, StringComparison.Ordinal);
        Assert.True(summary.ExitCode == ExitCodes.Success, summary.ToString());
        Assert.Matches(@"hospitalized\s+2\s+3h \d+m", summary.Stdout);
        Assert.Matches(@"unrecognized\s+1", summary.Stdout);
        Assert.Matches(@"total\s+7", summary.Stdout);
    }

    [Fact]
    public async Task Show_prints_one_flow_with_its_stack_trace_and_exits_1_for_an_unknown_id()
    {
        var (tables, ids) = await SeededAsync();

        var text = await RunAsync(tables, "show", ids["hospitalized"], "--max-text", "30");
        var json = await RunAsync(tables, "show", ids["failed"], "--format", "json");
        var unknown = Guid.NewGuid().ToString();
        var missing = await RunAsync(tables, "show", unknown);

        Assert.True(text.ExitCode == ExitCodes.Success, text.ToString());
        Assert.Contains("Status:          hospitalized", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("Suspended on:    SendAndReceive", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("Unable to notarise: notary unr [truncated]", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("Stack trace (truncated; raise --max-text for more):", text.Stdout, StringComparison.Ordinal);
        Assert.True(json.ExitCode == ExitCodes.Success, json.ToString());
        using var document = JsonDocument.Parse(json.Stdout);
        var flow = document.RootElement.GetProperty("flow");
        Assert.Equal((ids["failed"], "failed", "rpc", "client-failed"), (flow.GetProperty("flowId").GetString(), flow.GetProperty("status").GetString(), flow.GetProperty("startType").GetString(), flow.GetProperty("clientId").GetString()));
        Assert.Equal(ExitCodes.FlowNotFound, missing.ExitCode);
        Assert.Contains($"No flow '{unknown}'", missing.Stderr, StringComparison.Ordinal);
        Assert.Empty(missing.Stdout);
    }

    [Theory]
    [InlineData("list", "--status", "stuck")]
    [InlineData("list", "--older-than", "soon")]
    [InlineData("summary", "--schema", "public;drop")]
    [InlineData("summary", "--node-time-zone", "Mars/Olympus_Mons")]
    public async Task Bad_arguments_exit_2_with_one_line(string command, string option, string value)
    {
        var run = await CordaHaTool.RunAsync(Timeout, "flows", command, "-p", "postgres", "-c", "Host=127.0.0.1;Password=hunter2", option, value);

        Assert.True(run.ExitCode == ExitCodes.UsageOrConnection, run.ToString());
        Assert.Contains(option, run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", run.Stderr + run.Stdout, StringComparison.Ordinal);
    }

    private async Task<(CordaTables Tables, Dictionary<string, string> Ids)> SeededAsync()
    {
        var tables = new CordaTables(_database, "t_" + Guid.NewGuid().ToString("N")[..16]);
        _schemas.Add(tables);
        await tables.CreateCorda46Async();
        var now = DateTime.UtcNow;
        var ids = new Dictionary<string, string>();
        async Task AddAsync(string key, FlowSeed flow)
        {
            ids[key] = flow.FlowId;
            await tables.InsertFlowAsync(flow);
        }

        FlowSeed Seed(int status, TimeSpan age) => new(Guid.NewGuid().ToString(), status, DateTime.SpecifyKind(now - age, DateTimeKind.Unspecified));
        await AddAsync("runnable", Seed(0, TimeSpan.FromMinutes(10)) with { StartType = 1 });
        await AddAsync("failed", Seed(1, TimeSpan.FromHours(2)) with { ClientId = "client-failed", ExceptionType = "net.corda.core.flows.FlowException", ExceptionMessage = "Insufficient balance" });
        await AddAsync("hospitalized", Seed(3, TimeSpan.FromHours(3)) with
        {
            StartType = 3, StartedBy = "O=PartyB, L=New York, C=US", IoRequest = "SendAndReceive",
            ExceptionType = "net.corda.core.flows.NotaryException", ExceptionMessage = "Unable to notarise: notary unreachable",
        });
        await AddAsync("recent", Seed(3, TimeSpan.FromMinutes(20)));
        await AddAsync("killed", Seed(4, TimeSpan.FromHours(5)) with { ExceptionType = "net.corda.core.flows.KilledFlowException" });
        await AddAsync("paused", Seed(5, TimeSpan.FromDays(1)) with { StartType = 2, StartedBy = "Scheduler" });
        await AddAsync("unknown", Seed(9, TimeSpan.FromHours(1)));
        return (tables, ids);
    }

    private static Task<ToolRun> RunAsync(CordaTables tables, string command, params string[] arguments) =>
        CordaHaTool.RunAsync(Timeout, ["flows", command, "--provider", "postgres", "--connection", tables.ConnectionString, "--schema", tables.Schema, .. arguments]);
}
