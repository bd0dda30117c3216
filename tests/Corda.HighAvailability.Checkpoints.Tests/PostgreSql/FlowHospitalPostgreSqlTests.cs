using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Corda.HighAvailability.Checkpoints.Flows;
using Corda.HighAvailability.Checkpoints.Rules;
using Corda.HighAvailability.Checkpoints.Tests.Infrastructure;
using Corda.HighAvailability.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Corda.HighAvailability.Checkpoints.Tests.PostgreSql;

/// <summary>
/// The flow hospital contract against a real PostgreSQL holding Corda-shaped tables, plus what is proven on PostgreSQL
/// only: damaged rows do not stop the view, nothing is written (the tables are unchanged, and a read that would write
/// fails in the read-only transaction), the health check's thresholds, and option validation.
/// </summary>
public sealed class FlowHospitalPostgreSqlTests(PostgresServer server) : FlowHospitalContractTests
{
    private string _database = string.Empty;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _database = await server.GetClassDatabaseAsync(GetType());
    }

    protected override CordaTableBuilder NewTables(string schema) => new CordaTables(_database, schema);

    protected override CheckpointVerificationBuilder UseDatabase(CheckpointVerificationBuilder builder, string connectionString) =>
        builder.UsePostgreSql(connectionString);

    [Fact]
    public async Task Damaged_rows_with_NULLs_unknown_codes_and_huge_texts_are_shown_not_thrown()
    {
        var tables = await NewCorda46Async();
        var s = tables.Schema;

        // A hand-altered store: NOT NULL dropped, text columns widened, so that Corda's own limits no longer hold.
        await tables.ExecuteAsync($"""
            ALTER TABLE {s}.node_checkpoints ALTER COLUMN status DROP NOT NULL;
            ALTER TABLE {s}.node_flow_metadata ALTER COLUMN flow_name TYPE text, ALTER COLUMN started_by DROP NOT NULL,
                ALTER COLUMN start_time DROP NOT NULL;
            ALTER TABLE {s}.node_flow_exceptions ALTER COLUMN exception_message TYPE text, ALTER COLUMN type DROP NOT NULL,
                ALTER COLUMN stack_trace DROP NOT NULL;
            """);
        var nullStatus = Guid.NewGuid().ToString();
        var unknownCodes = Guid.NewGuid().ToString();
        var checkpointTime = Stored(Now - TimeSpan.FromHours(6));
        await tables.ExecuteAsync(
            $"""
            INSERT INTO {s}.node_checkpoints (flow_id, status, compatible, timestamp) VALUES (@a, NULL, true, @ts), (@b, 42, true, @ts);
            INSERT INTO {s}.node_flow_metadata (flow_id, invocation_id, flow_name, started_type, flow_parameters, cordapp_name,
                platform_version, started_by, invocation_time, start_time)
                VALUES (@b, 'i', repeat('x', 1000000), 17, '\x00', 'c', 12, NULL, @ts, NULL);
            INSERT INTO {s}.node_flow_exceptions (flow_id, type, exception_message, stack_trace, timestamp)
                VALUES (@b, NULL, repeat('m', 5000000), NULL, @ts);
            """,
            ("a", nullStatus), ("b", unknownCodes), ("ts", checkpointTime));
        var hospitalized = Seed(3, TimeSpan.FromHours(1));
        await tables.InsertFlowAsync(hospitalized);
        var reader = Reader(tables);

        var flows = (await ToListAsync(reader.ReadFlowsAsync(cancellationToken: Ct))).ToDictionary(f => f.FlowId);

        Assert.Equal(3, flows.Count);
        var a = flows[nullStatus];
        Assert.Equal(((int?)null, (CheckpointFlowStatus?)null, (string?)null), (a.StatusCode, a.Status, a.FlowClass));
        Assert.Equal(TimeSpan.FromHours(6), a.Age);
        Assert.Null(a.Exception);
        var b = flows[unknownCodes];
        Assert.Equal((42, (CheckpointFlowStatus?)null), (b.StatusCode, b.Status));
        Assert.Equal((17, (FlowStartType?)null), (b.StartTypeCode, b.StartType));
        Assert.Equal((FlowHospitalSql.ShortTextLength, (string?)null, (DateTimeOffset?)null), (b.FlowClass?.Length, b.StartedBy, b.StartTime));
        Assert.Equal(TimeSpan.FromHours(6), b.Age);
        var exception = Assert.IsType<FlowExceptionInfo>(b.Exception);
        Assert.Equal((FlowHospitalOptions.DefaultMaxTextLength, true), (exception.Message?.Length, exception.MessageTruncated));
        Assert.Equal(((string?)null, (string?)null, false), (exception.Type, exception.StackTrace, exception.StackTraceTruncated));
        Assert.Equal(CheckpointFlowStatus.Hospitalized, flows[hospitalized.FlowId].Status);

        var summary = await reader.GetSummaryAsync(Ct);
        Assert.Equal((3L, 2L, 1L), (summary.Total, summary.Unrecognized, summary.CountOf(CheckpointFlowStatus.Hospitalized)));
    }

    [Fact]
    public async Task Reading_everything_leaves_every_table_byte_for_byte_and_version_for_version_unchanged()
    {
        var tables = await NewCorda46Async();
        var flows = await SeedEveryStatusAsync(tables);
        var before = await FingerprintAsync(tables);
        var services = Services(tables.ConnectionString, tables.Schema);
        services.AddHealthChecks().AddCordaFlowHospital();
        var provider = Build(services);
        var reader = provider.GetRequiredService<IFlowHospitalReader>();

        await ToListAsync(reader.ReadFlowsAsync(new FlowQuery { OlderThan = TimeSpan.FromMinutes(1), Limit = 3, Statuses = { CheckpointFlowStatus.Paused } }, Ct));
        await ToListAsync(reader.ReadFlowsAsync(cancellationToken: Ct));
        await reader.FindAsync(flows[3].FlowId, Ct);
        await reader.GetSummaryAsync(Ct);
        await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);

        // Contents and xmin (the id of the transaction that wrote each row version) of all five tables.
        Assert.Equal(before, await FingerprintAsync(tables));
    }

    [Fact]
    public async Task A_read_that_would_write_fails_in_the_read_only_transaction_and_writes_nothing()
    {
        var tables = await NewCorda46Async();
        var s = tables.Schema;
        await SeedEveryStatusAsync(tables);

        // A trap behind Corda's table name: reading node_flow_exceptions inserts into an audit table.
        await tables.ExecuteAsync($"""
            ALTER TABLE {s}.node_flow_exceptions RENAME TO real_flow_exceptions;
            CREATE TABLE {s}.read_audit (at timestamp NOT NULL);
            CREATE FUNCTION {s}.audited_exceptions() RETURNS SETOF {s}.real_flow_exceptions LANGUAGE plpgsql VOLATILE AS $$
            BEGIN
                INSERT INTO {s}.read_audit VALUES (now());
                RETURN QUERY SELECT * FROM {s}.real_flow_exceptions;
            END $$;
            CREATE VIEW {s}.node_flow_exceptions AS SELECT * FROM {s}.audited_exceptions();
            """);

        // The trap works: an ordinary read writes.
        await tables.ExecuteAsync($"SELECT count(*) FROM {s}.node_flow_exceptions");
        Assert.Equal(1L, await ScalarAsync(tables, $"SELECT count(*) FROM {s}.read_audit"));

        var error = await Assert.ThrowsAsync<PostgresException>(async () => await ToListAsync(Reader(tables).ReadFlowsAsync(cancellationToken: Ct)));

        Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, error.SqlState);
        Assert.Equal(1L, await ScalarAsync(tables, $"SELECT count(*) FROM {s}.read_audit"));
    }

    [Fact]
    public async Task The_health_check_degrades_over_the_count_thresholds_and_names_them()
    {
        var tables = await NewCorda46Async();
        await SeedEveryStatusAsync(tables);
        await tables.InsertFlowAsync(Seed(3, TimeSpan.FromMinutes(30)));

        var strict = await CheckAsync(tables, configure: null);
        var tolerant = await CheckAsync(tables, o => (o.MaxHospitalized, o.MaxPaused) = (2, 1));
        var pausedOver = await CheckAsync(tables, o => o.MaxHospitalized = 2);

        Assert.Equal(HealthStatus.Degraded, strict.Status);
        Assert.Contains("2 hospitalized flows (at most 0 tolerated)", strict.Description, StringComparison.Ordinal);
        Assert.Contains("1 paused flows (at most 0 tolerated)", strict.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, tolerant.Status);
        Assert.Equal(HealthStatus.Degraded, pausedOver.Status);
        Assert.DoesNotContain("hospitalized", pausedOver.Description, StringComparison.Ordinal);

        Assert.Equal(7L, tolerant.Data["total"]);
        Assert.Equal(2L, tolerant.Data["hospitalized"]);
        Assert.Equal(1L, tolerant.Data["paused"]);
        Assert.Equal(0L, tolerant.Data["unrecognized"]);
        Assert.Equal(3 * 3600.0, tolerant.Data["hospitalizedOldestAgeSeconds"]);
        Assert.Equal(86_400.0, tolerant.Data["pausedOldestAgeSeconds"]);
    }

    [Fact]
    public async Task The_health_check_degrades_when_a_stuck_flow_is_older_than_the_age_limit()
    {
        var tables = await NewCorda46Async();
        await tables.InsertFlowAsync(Seed(3, TimeSpan.FromHours(3)));
        await tables.InsertFlowAsync(Seed(0, TimeSpan.FromDays(30)));

        var young = await CheckAsync(tables, o => (o.MaxHospitalized, o.MaxAge) = (5, TimeSpan.FromHours(4)));
        var old = await CheckAsync(tables, o => (o.MaxHospitalized, o.MaxAge) = (5, TimeSpan.FromHours(2)));
        var unhealthy = await CheckAsync(tables, o => (o.MaxHospitalized, o.MaxAge) = (5, TimeSpan.FromHours(2)), HealthStatus.Unhealthy);

        // A month-old RUNNABLE flow is not a hospital matter.
        Assert.Equal(HealthStatus.Healthy, young.Status);
        Assert.Equal(HealthStatus.Degraded, old.Status);
        Assert.Contains("the oldest hospitalized flow is 10800 s old (at most 7200 s tolerated)", old.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Unhealthy, unhealthy.Status);
    }

    [Fact]
    public async Task The_health_check_reports_its_failure_status_when_the_database_cannot_be_read()
    {
        var tables = NewTables("missing_" + Guid.NewGuid().ToString("N")[..8]);

        var entry = await CheckAsync(tables, configure: null);

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Equal("The flow tables could not be read.", entry.Description);
        Assert.IsType<PostgresException>(entry.Exception);
    }

    [Theory]
    [InlineData("MaxHospitalized", "FlowHospitalHealthCheckOptions.MaxHospitalized")]
    [InlineData("MaxPaused", "FlowHospitalHealthCheckOptions.MaxPaused")]
    [InlineData("MaxAge", "FlowHospitalHealthCheckOptions.MaxAge")]
    public void Invalid_thresholds_are_refused_naming_the_option(string option, string expected)
    {
        var services = Services("Host=127.0.0.1", "public");
        services.AddHealthChecks().AddCordaFlowHospital(o =>
        {
            switch (option)
            {
                case "MaxHospitalized": o.MaxHospitalized = -1; break;
                case "MaxPaused": o.MaxPaused = -1; break;
                default: o.MaxAge = TimeSpan.Zero; break;
            }
        });

        var error = Assert.Throws<OptionsValidationException>(() =>
            Build(services).GetRequiredService<IOptionsMonitor<FlowHospitalHealthCheckOptions>>().Get(FlowHospitalHealthCheckBuilderExtensions.DefaultName));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SchemaName", "FlowHospitalOptions.SchemaName")]
    [InlineData("MaxTextLength", "FlowHospitalOptions.MaxTextLength")]
    [InlineData("NodeTimeZone", "FlowHospitalOptions.NodeTimeZone")]
    [InlineData("CommandTimeout", "FlowHospitalOptions.CommandTimeout")]
    public void Invalid_view_options_are_refused_naming_the_option(string option, string expected)
    {
        var services = Services("Host=127.0.0.1", "public", o =>
        {
            switch (option)
            {
                case "SchemaName": o.SchemaName = "public; DROP TABLE node_checkpoints"; break;
                case "MaxTextLength": o.MaxTextLength = 0; break;
                case "NodeTimeZone": o.NodeTimeZone = "Mars/Olympus_Mons"; break;
                default: o.CommandTimeout = TimeSpan.Zero; break;
            }
        });

        var error = Assert.Throws<OptionsValidationException>(() => Build(services).GetRequiredService<IFlowHospitalReader>());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_query_is_timed_and_its_flows_counted_on_the_shared_meter()
    {
        var tables = await NewCorda46Async();
        var flows = await SeedEveryStatusAsync(tables);
        var provider = Build(Services(tables.ConnectionString, tables.Schema));
        var meter = provider.GetRequiredService<CordaHaInstrumentation>().Meter;
        var measurements = new ConcurrentQueue<(string Name, double Value, string? Query, string? Result, string? Db)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == meter)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var map = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var (key, tag) in tags)
            {
                map[key] = tag as string;
            }

            measurements.Enqueue((instrument.Name, value, map.GetValueOrDefault("corda_ha.flow_hospital.query"), map.GetValueOrDefault("corda_ha.flow_hospital.result"), map.GetValueOrDefault("db.system")));
        }

        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();
        var reader = provider.GetRequiredService<IFlowHospitalReader>();

        await ToListAsync(reader.ReadFlowsAsync(cancellationToken: Ct));
        await reader.FindAsync(flows[0].FlowId, Ct);
        await reader.GetSummaryAsync(Ct);
        await foreach (var flow in reader.ReadFlowsAsync(cancellationToken: Ct))
        {
            break;
        }

        var durations = measurements.Where(m => m.Name == "corda_ha.flow_hospital.query.duration").ToList();
        Assert.Equal(
            new[] { ("list", "completed"), ("find", "completed"), ("summary", "completed"), ("list", "incomplete") },
            durations.Select(d => (d.Query!, d.Result!)));
        Assert.All(durations, d => Assert.Equal("postgresql", d.Db));
        Assert.All(durations, d => Assert.True(d.Value > 0));
        var counted = measurements.Where(m => m.Name == "corda_ha.flow_hospital.flows").ToList();
        Assert.Equal(6 + 1 + 1, counted.Sum(m => m.Value));
    }

    private async Task<HealthReportEntry> CheckAsync(CordaTableBuilder tables, Action<FlowHospitalHealthCheckOptions>? configure, HealthStatus? failureStatus = null)
    {
        var services = Services(tables.ConnectionString, tables.Schema);
        services.AddHealthChecks().AddCordaFlowHospital(configure, failureStatus: failureStatus);
        var report = await Build(services).GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);
        return report.Entries[FlowHospitalHealthCheckBuilderExtensions.DefaultName];
    }

    private static async Task<string> FingerprintAsync(CordaTableBuilder tables)
    {
        var parts = new List<string>();
        foreach (var table in new[] { "node_checkpoints", "node_checkpoint_blobs", "node_flow_metadata", "node_flow_results", "node_flow_exceptions" })
        {
            var sql = $"SELECT coalesce(string_agg(t::text || '@' || t.xmin::text, '|' ORDER BY t.flow_id), '') FROM {tables.Schema}.{table} t";
            parts.Add($"{table}: {await ScalarAsync(tables, sql)}");
        }

        return string.Join('\n', parts);
    }

    private static async Task<object?> ScalarAsync(CordaTableBuilder tables, string sql)
    {
        await using var connection = new NpgsqlConnection(tables.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(Ct);
    }
}
