using Corda.HighAvailability.Checkpoints.Flows;
using Corda.HighAvailability.Checkpoints.Rules;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Corda.HighAvailability.Checkpoints.Tests.Infrastructure;

/// <summary>
/// What the flow hospital view must read, through DI, from every database it supports: a real server holding
/// Corda-shaped tables in that database's types, each test in a fresh schema (dropped afterwards), flows in every
/// status and start type, and a fixed clock (<see cref="Now"/>) so that every age is exact.
/// </summary>
public abstract class FlowHospitalContractTests : IAsyncLifetime
{
    /// <summary>The reader's clock in every test.</summary>
    protected static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly List<ServiceProvider> _providers = [];
    private readonly List<CordaTableBuilder> _schemas = [];

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        foreach (var schema in _schemas)
        {
            await schema.DropAsync();
        }
    }

    /// <summary>Corda's tables in <paramref name="schema"/> of the provider's test database, without touching the database.</summary>
    protected abstract CordaTableBuilder NewTables(string schema);

    /// <summary>Makes the view read the provider's database at <paramref name="connectionString"/>.</summary>
    protected abstract CheckpointVerificationBuilder UseDatabase(CheckpointVerificationBuilder builder, string connectionString);

    [Fact]
    public async Task Every_status_and_start_type_is_read_with_its_metadata_and_exception_oldest_first()
    {
        var tables = await NewCorda46Async();
        var flows = await SeedEveryStatusAsync(tables);

        var read = await ToListAsync(Reader(tables).ReadFlowsAsync(cancellationToken: Ct));

        Assert.Equal(flows.OrderBy(f => f.StartTime).Select(f => f.FlowId), read.Select(f => f.FlowId));
        var paused = read[0];
        Assert.Equal((CheckpointFlowStatus.Paused, 5), (paused.Status, paused.StatusCode));
        Assert.Equal((FlowStartType.Scheduled, "Scheduler"), (paused.StartType, paused.StartedBy));
        Assert.Equal(TimeSpan.FromDays(1), paused.Age);

        var hospitalized = read.Single(f => f.FlowId == flows[3].FlowId);
        Assert.Equal(CheckpointFlowStatus.Hospitalized, hospitalized.Status);
        Assert.Equal(FlowStartType.Initiated, hospitalized.StartType);
        Assert.Equal("O=PartyB, L=New York, C=US", hospitalized.StartedBy);
        Assert.Equal("com.example.flows.IssueFlow", hospitalized.FlowClass);
        Assert.Equal("Example CorDapp", hospitalized.CordappName);
        Assert.Null(hospitalized.ClientId);
        Assert.Equal(Now - TimeSpan.FromHours(3), hospitalized.StartTime);
        Assert.Equal(Now - TimeSpan.FromHours(3) + TimeSpan.FromMinutes(1), hospitalized.LastCheckpointTime);
        Assert.Equal(TimeSpan.FromHours(3), hospitalized.Age);
        Assert.Null(hospitalized.FinishTime);
        Assert.Equal(("Awaiting notary", "SendAndReceive"), (hospitalized.ProgressStep, hospitalized.SuspendedOn));
        var exception = Assert.IsType<FlowExceptionInfo>(hospitalized.Exception);
        Assert.Equal(("net.corda.core.flows.NotaryException", "Unable to notarise: notary unreachable"), (exception.Type, exception.Message));
        Assert.Contains("IssueFlow.call", exception.StackTrace, StringComparison.Ordinal);
        Assert.False(exception.MessageTruncated || exception.StackTraceTruncated);

        var failed = read.Single(f => f.Status == CheckpointFlowStatus.Failed);
        Assert.Equal((FlowStartType.Rpc, "client-failed"), (failed.StartType, failed.ClientId));
        Assert.Equal(Now - TimeSpan.FromHours(1), failed.FinishTime);
        Assert.NotNull(failed.Exception);
        var completed = read.Single(f => f.Status == CheckpointFlowStatus.Completed);
        Assert.Null(completed.Exception);
        Assert.Equal(FlowStartType.Service, read.Single(f => f.Status == CheckpointFlowStatus.Runnable).StartType);
        Assert.Equal("net.corda.core.flows.KilledFlowException", read.Single(f => f.Status == CheckpointFlowStatus.Killed).Exception?.Type);
    }

    [Fact]
    public async Task The_summary_counts_every_status_and_measures_the_oldest_of_each_against_the_clock()
    {
        var tables = await NewCorda46Async();
        await SeedEveryStatusAsync(tables);
        await tables.InsertFlowAsync(Seed(3, TimeSpan.FromMinutes(30)));
        await tables.InsertFlowAsync(Seed(9, TimeSpan.FromHours(7)));

        var summary = await Reader(tables).GetSummaryAsync(Ct);

        Assert.Equal((8L, 1L, Now), (summary.Total, summary.Unrecognized, summary.AsOf));
        Assert.Equal(
            new Dictionary<CheckpointFlowStatus, long>
            {
                [CheckpointFlowStatus.Runnable] = 1,
                [CheckpointFlowStatus.Failed] = 1,
                [CheckpointFlowStatus.Completed] = 1,
                [CheckpointFlowStatus.Hospitalized] = 2,
                [CheckpointFlowStatus.Killed] = 1,
                [CheckpointFlowStatus.Paused] = 1,
            },
            summary.ByStatus.ToDictionary(s => s.Key, s => s.Value.Count));
        Assert.Equal(TimeSpan.FromHours(3), summary.ByStatus[CheckpointFlowStatus.Hospitalized].OldestAge);
        Assert.Equal(Now - TimeSpan.FromHours(3), summary.ByStatus[CheckpointFlowStatus.Hospitalized].OldestStart);
        Assert.Equal(TimeSpan.FromDays(1), summary.ByStatus[CheckpointFlowStatus.Paused].OldestAge);
        Assert.Equal(TimeSpan.FromMinutes(10), summary.ByStatus[CheckpointFlowStatus.Runnable].OldestAge);
    }

    [Fact]
    public async Task An_empty_store_summarises_to_zero_in_every_status()
    {
        var tables = await NewCorda46Async();

        var summary = await Reader(tables).GetSummaryAsync(Ct);

        Assert.Equal(0, summary.Total);
        Assert.Equal(6, summary.ByStatus.Count);
        Assert.All(summary.ByStatus.Values, s => Assert.Equal((0L, (TimeSpan?)null), (s.Count, s.OldestAge)));
        Assert.Empty(await ToListAsync(Reader(tables).ReadFlowsAsync(cancellationToken: Ct)));
    }

    [Fact]
    public async Task Status_age_and_limit_filters_select_the_oldest_matching_flows()
    {
        var tables = await NewCorda46Async();
        var flows = await SeedEveryStatusAsync(tables);
        var recent = Seed(3, TimeSpan.FromMinutes(30));
        await tables.InsertFlowAsync(recent);
        var reader = Reader(tables);

        var stuck = new FlowQuery { Statuses = { CheckpointFlowStatus.Hospitalized, CheckpointFlowStatus.Paused } };
        Assert.Equal([flows[5].FlowId, flows[3].FlowId, recent.FlowId], (await ToListAsync(reader.ReadFlowsAsync(stuck, Ct))).Select(f => f.FlowId));

        var old = new FlowQuery { Statuses = { CheckpointFlowStatus.Hospitalized, CheckpointFlowStatus.Paused }, OlderThan = TimeSpan.FromHours(1) };
        Assert.Equal([flows[5].FlowId, flows[3].FlowId], (await ToListAsync(reader.ReadFlowsAsync(old, Ct))).Select(f => f.FlowId));

        // Exactly two hours old is not older than two hours.
        var olderThanTwoHours = await ToListAsync(reader.ReadFlowsAsync(new FlowQuery { OlderThan = TimeSpan.FromHours(2) }, Ct));
        Assert.Equal([CheckpointFlowStatus.Paused, CheckpointFlowStatus.Killed, CheckpointFlowStatus.Hospitalized], olderThanTwoHours.Select(f => f.Status!.Value));

        var firstTwo = await ToListAsync(reader.ReadFlowsAsync(new FlowQuery { Limit = 2 }, Ct));
        Assert.Equal([flows[5].FlowId, flows[4].FlowId], firstTwo.Select(f => f.FlowId));
        Assert.Empty(await ToListAsync(reader.ReadFlowsAsync(new FlowQuery { Limit = 0 }, Ct)));
    }

    [Fact]
    public async Task A_flow_is_found_by_id_and_an_unknown_or_impossible_id_is_null()
    {
        var tables = await NewCorda46Async();
        var flows = await SeedEveryStatusAsync(tables);
        var reader = Reader(tables);

        var found = await reader.FindAsync(flows[1].FlowId, Ct);

        Assert.Equal((flows[1].FlowId, CheckpointFlowStatus.Failed), (found?.FlowId, found?.Status));
        Assert.Null(await reader.FindAsync(Guid.NewGuid().ToString(), Ct));
        Assert.Null(await reader.FindAsync(new string('a', 65), Ct));
        Assert.Null(await reader.FindAsync("' OR 1=1 --", Ct));
    }

    [Fact]
    public async Task Exception_texts_longer_than_the_limit_are_cut_in_the_database_and_flagged()
    {
        var tables = await NewCorda46Async();
        var message = string.Concat(Enumerable.Repeat("0123456789", 200));
        var stack = string.Join('\n', Enumerable.Range(0, 80).Select(i => $"\tat com.example.Frame{i:D2}.call(F.kt:{i})"))[..1990];
        var flow = Seed(1, TimeSpan.FromHours(1)) with { ExceptionType = "com.example.Boom", ExceptionMessage = message, ExceptionStackTrace = stack };
        await tables.InsertFlowAsync(flow);

        var cut = (await Reader(tables, o => o.MaxTextLength = 100).FindAsync(flow.FlowId, Ct))?.Exception;
        var whole = (await Reader(tables).FindAsync(flow.FlowId, Ct))?.Exception;

        Assert.Equal((message[..100], true), (cut?.Message, cut?.MessageTruncated));
        Assert.Equal((stack[..100], true), (cut?.StackTrace, cut?.StackTraceTruncated));
        Assert.Equal((message, false), (whole?.Message, whole?.MessageTruncated));
        Assert.Equal((stack, false), (whole?.StackTrace, whole?.StackTraceTruncated));
    }

    [Fact]
    public async Task Stored_times_are_read_in_the_node_time_zone()
    {
        var tables = await NewCorda46Async();

        // The same stored wall-clock time is a different instant in each zone: 13:00 is 13:00Z in UTC, 04:00Z in Tokyo
        // (UTC+9), and in London's summer (UTC+1) 12:00Z.
        var flow = new FlowSeed(Guid.NewGuid().ToString(), 3, new DateTime(2026, 2, 28, 13, 0, 0)) { CheckpointTime = new DateTime(2026, 2, 28, 13, 5, 0) };
        await tables.InsertFlowAsync(flow);
        var summer = new FlowSeed(Guid.NewGuid().ToString(), 3, new DateTime(2025, 7, 1, 13, 0, 0));
        await tables.InsertFlowAsync(summer);

        var utc = await Reader(tables).FindAsync(flow.FlowId, Ct);
        var tokyo = await Reader(tables, o => o.NodeTimeZone = "Asia/Tokyo").FindAsync(flow.FlowId, Ct);
        var london = await Reader(tables, o => o.NodeTimeZone = "Europe/London").FindAsync(summer.FlowId, Ct);

        Assert.Equal(new DateTimeOffset(2026, 2, 28, 13, 0, 0, TimeSpan.Zero), utc?.StartTime);
        Assert.Equal(TimeSpan.FromHours(23), utc?.Age);
        Assert.Equal(new DateTimeOffset(2026, 2, 28, 4, 0, 0, TimeSpan.Zero), tokyo?.StartTime?.ToUniversalTime());
        Assert.Equal(TimeSpan.FromHours(32), tokyo?.Age);
        Assert.Equal(new DateTimeOffset(2025, 7, 1, 12, 0, 0, TimeSpan.Zero), london?.StartTime?.ToUniversalTime());

        // The age filter converts its cut-off into the node's zone too: 23 h old in UTC, 32 h old in Tokyo.
        var query = new FlowQuery { OlderThan = TimeSpan.FromHours(24), Statuses = { CheckpointFlowStatus.Hospitalized } };
        Assert.DoesNotContain(flow.FlowId, (await ToListAsync(Reader(tables).ReadFlowsAsync(query, Ct))).Select(f => f.FlowId));
        Assert.Contains(flow.FlowId, (await ToListAsync(Reader(tables, o => o.NodeTimeZone = "Asia/Tokyo").ReadFlowsAsync(query, Ct))).Select(f => f.FlowId));
    }

    /// <summary>
    /// One flow per status, in this order: RUNNABLE (service, 10 min), FAILED (RPC with client id, 2 h), COMPLETED
    /// (RPC with client id, 1 h), HOSPITALIZED (initiated by a peer, 3 h), KILLED (RPC, 5 h), PAUSED (scheduled, 1 day).
    /// </summary>
    protected static async Task<List<FlowSeed>> SeedEveryStatusAsync(CordaTableBuilder tables)
    {
        List<FlowSeed> flows =
        [
            Seed(0, TimeSpan.FromMinutes(10)) with { StartType = 1, StartedBy = "com.example.services.Poller" },
            Seed(1, TimeSpan.FromHours(2)) with
            {
                ClientId = "client-failed", FinishTime = Stored(Now - TimeSpan.FromHours(1)),
                ExceptionType = "net.corda.core.flows.FlowException", ExceptionMessage = "Insufficient balance",
            },
            Seed(2, TimeSpan.FromHours(1)) with { ClientId = "client-done", FinishTime = Stored(Now - TimeSpan.FromMinutes(59)) },
            Seed(3, TimeSpan.FromHours(3)) with
            {
                StartType = 3, StartedBy = "O=PartyB, L=New York, C=US", ProgressStep = "Awaiting notary", IoRequest = "SendAndReceive",
                ExceptionType = "net.corda.core.flows.NotaryException", ExceptionMessage = "Unable to notarise: notary unreachable",
            },
            Seed(4, TimeSpan.FromHours(5)) with
            {
                ClientId = "client-killed", ExceptionType = "net.corda.core.flows.KilledFlowException", ExceptionMessage = "The flow was killed",
            },
            Seed(5, TimeSpan.FromDays(1)) with { StartType = 2, StartedBy = "Scheduler" },
        ];
        foreach (var flow in flows)
        {
            await tables.InsertFlowAsync(flow);
        }

        return flows;
    }

    /// <summary>A flow in <paramref name="status"/> that started <paramref name="age"/> before <see cref="Now"/>, stored in UTC.</summary>
    protected static FlowSeed Seed(int status, TimeSpan age) => new(Guid.NewGuid().ToString(), status, Stored(Now - age));

    /// <summary>An instant as a node running in UTC stores it.</summary>
    protected static DateTime Stored(DateTimeOffset instant) => DateTime.SpecifyKind(instant.UtcDateTime, DateTimeKind.Unspecified);

    protected async Task<CordaTableBuilder> NewCorda46Async()
    {
        var tables = NewTables("f_" + Guid.NewGuid().ToString("N")[..16]);
        _schemas.Add(tables);
        await tables.CreateCorda46Async();
        return tables;
    }

    protected IFlowHospitalReader Reader(CordaTableBuilder tables, Action<FlowHospitalOptions>? configure = null) =>
        Build(Services(tables.ConnectionString, tables.Schema, configure)).GetRequiredService<IFlowHospitalReader>();

    /// <summary>The view registered through <c>AddCordaHa</c> on the provider's database with the fixed clock, as a host would.</summary>
    protected ServiceCollection Services(string connectionString, string? schema, Action<FlowHospitalOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
        services.AddCordaHa(ha => UseDatabase(
            ha.AddFlowHospitalView(o =>
            {
                o.SchemaName = schema;
                configure?.Invoke(o);
            }),
            connectionString));
        return services;
    }

    protected ServiceProvider Build(ServiceCollection services)
    {
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _providers.Add(provider);
        return provider;
    }

    protected static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
