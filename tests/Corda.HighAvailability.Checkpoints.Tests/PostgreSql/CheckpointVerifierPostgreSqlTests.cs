using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Corda.HighAvailability.Checkpoints.Rules;
using Corda.HighAvailability.Checkpoints.Tests.Infrastructure;
using Corda.HighAvailability.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using static Corda.HighAvailability.Checkpoints.CheckpointFindingCodes;

namespace Corda.HighAvailability.Checkpoints.Tests.PostgreSql;

/// <summary>
/// The verifier contract against a real PostgreSQL holding Corda-shaped tables, plus what is checked on PostgreSQL only:
/// the health check, custom and disabled rules, blob checks off, cancellation, option validation, the checksum mismatch
/// severity and telemetry.
/// </summary>
public sealed class CheckpointVerifierPostgreSqlTests(PostgresServer server) : CheckpointVerifierContractTests
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
    public async Task The_health_check_gates_promotion_on_errors_in_the_default_schema()
    {
        var tables = new CordaTables(await server.CreateDatabaseAsync("ckpthealth"), "public");
        await tables.CreateCorda46Async();
        await tables.InsertCleanFlowAsync(Guid.NewGuid().ToString(), CheckpointFlowStatus.Runnable);
        var orphan = Guid.NewGuid().ToString();
        await tables.InsertBlobAsync(orphan, TestBlobs.Kryo([1]), null);
        var services = Services(tables.ConnectionString, schema: null);
        services.AddHealthChecks().AddCordaCheckpointIntegrity(tags: ["pre-promotion"]);
        var health = Build(services).GetRequiredService<HealthCheckService>();

        var healthy = await health.CheckHealthAsync(Ct);
        Assert.Equal(HealthStatus.Healthy, healthy.Status);
        Assert.Equal(1L, healthy.Entries[CheckpointIntegrityHealthCheckBuilderExtensions.DefaultName].Data["warnings"]);

        var failed = Guid.NewGuid().ToString();
        await InsertAsync(tables, failed, status: 1, flowState: null, finished: true);
        var unhealthy = await health.CheckHealthAsync(Ct);

        var entry = unhealthy.Entries[CheckpointIntegrityHealthCheckBuilderExtensions.DefaultName];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains(RowFailedWithoutException, entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Custom_rules_are_added_and_built_in_rules_disabled_through_DI()
    {
        var tables = NewSchema();
        await tables.CreateCorda46Async();
        var paused = Guid.NewGuid().ToString();
        await tables.InsertCleanFlowAsync(paused, CheckpointFlowStatus.Paused);
        await tables.InsertBlobAsync(Guid.NewGuid().ToString(), TestBlobs.Kryo([1]), null);

        var services = Services(tables.ConnectionString, tables.Schema, o => o.DisabledRules.Add(RowOrphanBlob), b => b.AddCheckpointRule<NoPausedFlowsRule>());
        var findings = await ToListAsync(Build(services).GetRequiredService<ICheckpointVerifier>().VerifyAsync(cancellationToken: Ct));

        var finding = Assert.Single(findings);
        Assert.Equal((NoPausedFlowsRule.Code, paused), (finding.Code, finding.FlowId));
    }

    [Fact]
    public async Task A_rule_that_throws_becomes_a_rule_failed_finding()
    {
        var tables = NewSchema();
        await tables.CreateCorda46Async();
        var flow = Guid.NewGuid().ToString();
        await tables.InsertCleanFlowAsync(flow, CheckpointFlowStatus.Runnable);

        var services = Services(tables.ConnectionString, tables.Schema, configureBuilder: b => b.AddCheckpointRule(new ThrowingRule()));
        var findings = await ToListAsync(Build(services).GetRequiredService<ICheckpointVerifier>().VerifyAsync(cancellationToken: Ct));

        Assert.Equal((RuleFailed, flow, FindingSeverity.Error), Assert.Single(findings) is var f ? (f.Code, f.FlowId, f.Severity) : default);
    }

    [Fact]
    public async Task With_blob_checks_off_only_the_rules_run()
    {
        var tables = NewSchema();
        await tables.CreateCorda46Async();
        await InsertAsync(tables, Guid.NewGuid().ToString(), status: 0, flowState: [1, 2, 3]);
        var noFlowState = await InsertAsync(tables, Guid.NewGuid().ToString(), status: 0, flowState: null);

        var report = await Verifier(tables, o => o.CheckBlobs = false).VerifyToReportAsync(cancellationToken: Ct);

        Assert.Equal(0, report.BlobsChecked);
        Assert.Equal((RowMissingFlowState, noFlowState), Assert.Single(report.Findings) is var f ? (f.Code, f.FlowId) : default);
    }

    [Fact]
    public async Task Cancellation_and_an_early_stop_end_the_run()
    {
        var tables = NewSchema();
        await tables.CreateCorda46Async();
        for (var i = 0; i < 20; i++)
        {
            await InsertAsync(tables, Guid.NewGuid().ToString(), status: 0, flowState: null);
        }

        var verifier = Verifier(tables, o => o.Parallelism = 2);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => verifier.VerifyToReportAsync(cancellationToken: cancelled.Token));

        await foreach (var finding in verifier.VerifyAsync(cancellationToken: Ct))
        {
            Assert.Equal(RowMissingFlowState, finding.Code);
            break;
        }

        // The verifier is reusable after both.
        Assert.Equal(20, (await verifier.VerifyToReportAsync(cancellationToken: Ct)).ErrorCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_snappy_checksum_mismatch_is_an_error_unless_configured_as_a_warning(bool downgrade)
    {
        var tables = NewSchema();
        await tables.CreateCorda46Async();
        var changed = await InsertAsync(tables, Guid.NewGuid().ToString(), status: 0, flowState: ChecksumMismatchBlob());

        var report = await Verifier(tables, o =>
        {
            if (downgrade)
            {
                o.ChecksumMismatchSeverity = FindingSeverity.Warning;
            }
        }).VerifyToReportAsync(cancellationToken: Ct);

        var finding = Assert.Single(report.Findings);
        Assert.Equal((BlobChecksumMismatch, changed, "flow_state"), (finding.Code, finding.FlowId, finding.Column));
        Assert.Equal(downgrade ? FindingSeverity.Warning : FindingSeverity.Error, finding.Severity);
        Assert.Equal(downgrade, report.IsHealthy);
    }

    [Fact]
    public async Task A_run_is_measured_on_the_shared_meter_and_traced_as_one_activity()
    {
        var tables = NewSchema();
        await tables.CreateCorda46Async();
        await tables.InsertCleanFlowAsync(Guid.NewGuid().ToString(), CheckpointFlowStatus.Runnable, TestEncoding.Deflate);
        await InsertAsync(tables, Guid.NewGuid().ToString(), status: 0, flowState: ChecksumMismatchBlob());
        await tables.InsertBlobAsync(Guid.NewGuid().ToString(), TestBlobs.Kryo([1]), null);
        var provider = Build(Services(tables.ConnectionString, tables.Schema));

        // Only this provider's meter, and only this run's activity (tagged with its schema): other tests run in parallel.
        var meter = provider.GetRequiredService<CordaHaInstrumentation>().Meter;
        var measurements = new ConcurrentQueue<(string Name, double Value, Dictionary<string, object?> Tags)>();
        using var meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter == meter)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meterListener.SetMeasurementEventCallback<long>((i, value, tags, _) => measurements.Enqueue((i.Name, value, ToDictionary(tags))));
        meterListener.SetMeasurementEventCallback<double>((i, value, tags, _) => measurements.Enqueue((i.Name, value, ToDictionary(tags))));
        meterListener.Start();
        var activities = new ConcurrentQueue<Activity>();
        using var activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CordaHaDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(activityListener);

        var report = await provider.GetRequiredService<ICheckpointVerifier>().VerifyToReportAsync(cancellationToken: Ct);

        double Sum(string name) => measurements.Where(m => m.Name == name).Sum(m => m.Value);
        Assert.Equal(3, report.FlowsChecked);
        Assert.Equal(report.FlowsChecked, Sum("corda_ha.checkpoint.flows"));
        Assert.Equal(report.BlobsChecked, Sum("corda_ha.checkpoint.blobs"));
        Assert.True(Sum("corda_ha.checkpoint.blobs.inflated") > 501, "the deflated flow's blobs and the 501-byte Snappy chunk inflate");
        Assert.Equal(
            new[] { (BlobChecksumMismatch, "error"), (RowOrphanBlob, "warning") },
            measurements.Where(m => m.Name == "corda_ha.checkpoint.findings")
                .Select(m => ((string)m.Tags["corda_ha.checkpoint.finding.code"]!, (string)m.Tags["corda_ha.checkpoint.finding.severity"]!))
                .Order());
        var duration = Assert.Single(measurements, m => m.Name == "corda_ha.checkpoint.verify.duration");
        Assert.True(duration.Value > 0);
        Assert.Equal(("completed", "postgresql"), (duration.Tags["corda_ha.checkpoint.result"], duration.Tags["db.system"]));

        var run = Assert.Single(activities, a => Equals(a.GetTagItem("corda_ha.checkpoint.schema_name"), tables.Schema));
        Assert.Equal("corda_ha.checkpoint.verify", run.OperationName);
        Assert.Equal("Corda46OrLater", run.GetTagItem("corda_ha.checkpoint.schema"));
        Assert.Equal("completed", run.GetTagItem("corda_ha.checkpoint.result"));
        Assert.Equal((3L, 2L), (run.GetTagItem("corda_ha.checkpoint.flows"), run.GetTagItem("corda_ha.checkpoint.findings")));
    }

    [Theory]
    [InlineData("ChecksumMismatchSeverity", "CheckpointVerificationOptions.ChecksumMismatchSeverity")]
    [InlineData("Parallelism", "CheckpointVerificationOptions.Parallelism")]
    [InlineData("MaxInflatedBytes", "CheckpointVerificationOptions.MaxInflatedBytes")]
    [InlineData("DisabledRules", "no-such-rule")]
    [InlineData("SchemaName", "CheckpointVerificationOptions.SchemaName")]
    public void Invalid_options_are_refused_naming_the_option(string option, string expectedInMessage)
    {
        var services = Services("Host=127.0.0.1", "public", o =>
        {
            switch (option)
            {
                case "Parallelism": o.Parallelism = 0; break;
                case "MaxInflatedBytes": o.MaxInflatedBytes = 0; break;
                case "DisabledRules": o.DisabledRules.Add("no-such-rule"); break;
                case "ChecksumMismatchSeverity": o.ChecksumMismatchSeverity = (FindingSeverity)7; break;
                default: o.SchemaName = "public; DROP TABLE x"; break;
            }
        });

        var error = Assert.Throws<OptionsValidationException>(() => Build(services).GetRequiredService<IOptions<CheckpointVerificationOptions>>().Value);

        Assert.Contains(expectedInMessage, error.Message, StringComparison.Ordinal);
    }

    /// <summary>A Snappy-encoded Kryo blob whose one chunk decodes but fails its CRC-32C: bytes changed after they were written.</summary>
    private static byte[] ChecksumMismatchBlob()
    {
        byte[] body = [1, .. TestBlobs.Payload(500)];
        return [.. TestBlobs.KryoMagic, 2, 1, .. TestSnappy.StreamIdentifier, .. TestSnappy.Chunk(0x01, body, body, crc: 12345)];
    }

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var dictionary = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in tags)
        {
            dictionary[key] = value;
        }

        return dictionary;
    }

    private sealed class NoPausedFlowsRule : ICheckpointRule
    {
        public const string Code = "custom-no-paused-flows";

        public string Id => Code;

        public void Evaluate(CheckpointFlow flow, ICollection<Finding> findings)
        {
            if (flow.KnownStatus == CheckpointFlowStatus.Paused)
            {
                findings.Add(new Finding(Code, FindingSeverity.Warning, flow.FlowId, CheckpointTables.Checkpoints, "Paused flows need an operator before promotion."));
            }
        }
    }

    private sealed class ThrowingRule : ICheckpointRule
    {
        public string Id => "throwing";

        public void Evaluate(CheckpointFlow flow, ICollection<Finding> findings) => throw new InvalidOperationException("boom");
    }
}
