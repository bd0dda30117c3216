using Corda.HighAvailability.Checkpoints.Rules;
using Corda.HighAvailability.Checkpoints.Schema;
using Corda.HighAvailability.Checkpoints.Tests.Infrastructure;
using Corda.HighAvailability.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using static Corda.HighAvailability.Checkpoints.CheckpointFindingCodes;

namespace Corda.HighAvailability.Checkpoints.Tests.PostgreSql;

/// <summary>The verifier through DI against a real PostgreSQL holding Corda-shaped tables: clean databases, each injected defect, both schemas.</summary>
public sealed class CheckpointVerifierPostgreSqlTests(PostgresServer server) : IAsyncLifetime
{
    private static readonly TestEncoding[][] AllEncodings = [[], [TestEncoding.Deflate], [TestEncoding.Snappy]];
    private readonly List<ServiceProvider> _providers = [];
    private string _database = string.Empty;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _database = await server.GetClassDatabaseAsync(GetType());

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_clean_Corda_46_database_in_every_status_and_encoding_has_no_findings()
    {
        var tables = await NewSchemaAsync();
        await tables.CreateCorda46Async();
        var flows = 0;
        foreach (var encodings in AllEncodings)
        {
            foreach (var status in Enum.GetValues<CheckpointFlowStatus>())
            {
                await tables.InsertCleanFlowAsync(Guid.NewGuid().ToString(), status, encodings);
                flows++;
            }
        }

        // HOSPITALIZED through the uncaught-exception path has no exception row; a null result has a NULL result_value.
        var hospitalized = Guid.NewGuid().ToString();
        await tables.InsertCheckpointAsync(hospitalized, 3);
        await tables.InsertBlobAsync(hospitalized, TestBlobs.Kryo([1, 2]), TestBlobs.Kryo([3, 4]));
        await tables.InsertMetadataAsync(hospitalized, finished: false);
        var nullResult = Guid.NewGuid().ToString();
        await tables.InsertCheckpointAsync(nullResult, 2);
        await tables.InsertBlobAsync(nullResult, TestBlobs.Kryo([1, 2]), null);
        await tables.InsertMetadataAsync(nullResult, finished: true);
        await tables.InsertResultAsync(nullResult, null);
        flows += 2;

        var progress = new RecordingProgress();
        var report = await Verifier(tables).VerifyToReportAsync(progress, Ct);

        Assert.Empty(report.Findings);
        Assert.True(report.IsHealthy);
        Assert.Equal(CheckpointSchema.Corda46OrLater, report.Schema);
        Assert.Equal(flows, report.FlowsChecked);

        // Per encoding: 6 checkpoint_value, 4 flow_state (not COMPLETED/FAILED), 6 flow_parameters, 1 result, 3 exceptions; plus the two extra flows.
        Assert.Equal((3 * (6 + 4 + 6 + 1 + 3)) + 3 + 2, report.BlobsChecked);
        var last = Assert.Single(progress.Reports, p => p.Completed);
        Assert.Equal(flows, last.FlowsChecked);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task Every_injected_defect_is_reported_once_with_its_code_flow_and_table(int parallelism)
    {
        var tables = await NewSchemaAsync();
        await tables.CreateCorda46Async();
        foreach (var status in Enum.GetValues<CheckpointFlowStatus>())
        {
            await tables.InsertCleanFlowAsync(Guid.NewGuid().ToString(), status, TestEncoding.Deflate);
        }

        var expected = new HashSet<(string Code, string FlowId, string Table, string? Column)>();
        string Id() => Guid.NewGuid().ToString();
        var valid = TestBlobs.Kryo([1, 2, 3]);

        var missingBlob = Id();
        await tables.InsertCheckpointAsync(missingBlob, 0);
        await tables.InsertMetadataAsync(missingBlob, finished: false);
        expected.Add((RowMissingBlob, missingBlob, CheckpointTables.CheckpointBlobs, null));

        var orphan = Id();
        await tables.InsertBlobAsync(orphan, valid, valid);
        expected.Add((RowOrphanBlob, orphan, CheckpointTables.CheckpointBlobs, null));

        var missingMetadata = Id();
        await tables.InsertCheckpointAsync(missingMetadata, 0);
        await tables.InsertBlobAsync(missingMetadata, valid, valid);
        expected.Add((RowMissingMetadata, missingMetadata, CheckpointTables.FlowMetadata, null));

        var invalidStatus = await InsertAsync(tables, Id(), status: 9, flowState: valid);
        expected.Add((RowInvalidStatus, invalidStatus, CheckpointTables.Checkpoints, null));

        var noFlowState = await InsertAsync(tables, Id(), status: 0, flowState: null);
        expected.Add((RowMissingFlowState, noFlowState, CheckpointTables.CheckpointBlobs, null));

        var noFinishTime = await InsertAsync(tables, Id(), status: 2, flowState: null, result: true);
        expected.Add((RowFinishedWithoutFinishTime, noFinishTime, CheckpointTables.FlowMetadata, null));

        var noResult = await InsertAsync(tables, Id(), status: 2, flowState: null, finished: true);
        expected.Add((RowCompletedWithoutResult, noResult, CheckpointTables.FlowResults, null));

        var noException = await InsertAsync(tables, Id(), status: 1, flowState: null, finished: true);
        expected.Add((RowFailedWithoutException, noException, CheckpointTables.FlowExceptions, null));

        var badMagic = await InsertAsync(tables, Id(), status: 0, flowState: valid, checkpointValue: [0x63, 0x6F, 0x72, 0x64, 0x62, 0, 0, 1, 1]);
        expected.Add((BlobBadMagic, badMagic, CheckpointTables.CheckpointBlobs, "checkpoint_value"));

        var deflated = TestBlobs.Kryo(TestBlobs.Payload(5000), TestEncoding.Deflate);
        var truncated = await InsertAsync(tables, Id(), status: 0, flowState: deflated[..^4]);
        expected.Add((BlobTruncated, truncated, CheckpointTables.CheckpointBlobs, "flow_state"));

        var unknownSection = await InsertAsync(tables, Id(), status: 0, flowState: valid, parameters: [.. TestBlobs.AmqpMagic, 5, 1]);
        expected.Add((BlobUnknownSection, unknownSection, CheckpointTables.FlowMetadata, "flow_parameters"));

        var unknownEncoding = await InsertAsync(tables, Id(), status: 2, flowState: null, finished: true, result: true, resultValue: [.. TestBlobs.AmqpMagic, 2, 7, 0, 1]);
        expected.Add((BlobUnknownEncoding, unknownEncoding, CheckpointTables.FlowResults, "result_value"));

        var snappy = TestBlobs.Amqp(TestBlobs.Payload(5000), TestEncoding.Snappy);
        snappy[TestBlobs.AmqpMagic.Length + 2] = 0x00; // the stream identifier's chunk type
        var decompressFailed = await InsertAsync(tables, Id(), status: 1, flowState: null, finished: true, exceptionValue: snappy);
        expected.Add((BlobDecompressFailed, decompressFailed, CheckpointTables.FlowExceptions, "exception_value"));

        var bomb = await InsertAsync(tables, Id(), status: 0, flowState: valid, checkpointValue: TestBlobs.Kryo(new byte[4 * 1024 * 1024], TestEncoding.Deflate));
        expected.Add((BlobSizeLimit, bomb, CheckpointTables.CheckpointBlobs, "checkpoint_value"));

        var findings = await ToListAsync(Verifier(tables, o =>
        {
            o.Parallelism = parallelism;
            o.MaxInflatedBytes = 1024 * 1024;
        }).VerifyAsync(cancellationToken: Ct));

        Assert.Equal(
            expected.OrderBy(e => e.Code, StringComparer.Ordinal),
            findings.Select(f => (f.Code, f.FlowId, f.Table, f.Column)).OrderBy(e => e.Code, StringComparer.Ordinal));
        Assert.All(findings, f => Assert.Equal(f.Code == RowOrphanBlob ? FindingSeverity.Warning : FindingSeverity.Error, f.Severity));
    }

    [Fact]
    public async Task A_pre_46_database_is_detected_and_its_blobs_checked()
    {
        var tables = await NewSchemaAsync();
        await tables.CreateLegacyAsync();
        foreach (var encodings in AllEncodings)
        {
            await tables.InsertLegacyAsync(Guid.NewGuid().ToString(), TestBlobs.Kryo(TestBlobs.Payload(3000), encodings));
        }

        var amqp = Guid.NewGuid().ToString();
        await tables.InsertLegacyAsync(amqp, TestBlobs.Amqp([1, 2]));
        var cut = Guid.NewGuid().ToString();
        await tables.InsertLegacyAsync(cut, TestBlobs.Kryo(TestBlobs.Payload(3000), TestEncoding.Snappy)[..100]);

        var report = await Verifier(tables).VerifyToReportAsync(cancellationToken: Ct);

        Assert.Equal(CheckpointSchema.Corda45OrEarlier, report.Schema);
        Assert.Equal(5, report.FlowsChecked);
        Assert.Equal(5, report.BlobsChecked);
        Assert.Equal(
            new[] { (BlobBadMagic, amqp), (BlobTruncated, cut) }.Order(),
            report.Findings.Select(f => (f.Code, f.FlowId)).Order());
        Assert.All(report.Findings, f => Assert.Equal((CheckpointTables.Checkpoints, "checkpoint_value"), (f.Table, f.Column)));
    }

    [Fact]
    public async Task Thousands_of_flows_are_streamed_with_progress()
    {
        var tables = await NewSchemaAsync();
        await tables.CreateCorda46Async();
        const int count = 3000;
        await tables.ExecuteAsync(
            $"""
            INSERT INTO {tables.Schema}.node_checkpoints (flow_id, status, compatible, timestamp)
                SELECT md5(i::text)::uuid::text, 0, true, now() FROM generate_series(1, {count}) i;
            INSERT INTO {tables.Schema}.node_checkpoint_blobs (flow_id, checkpoint_value, flow_state, timestamp, hmac)
                SELECT md5(i::text)::uuid::text, @cv, @fs, now(), @hmac FROM generate_series(1, {count}) i;
            INSERT INTO {tables.Schema}.node_flow_metadata (flow_id, invocation_id, flow_name, started_type, flow_parameters,
                cordapp_name, platform_version, started_by, invocation_time, start_time)
                SELECT md5(i::text)::uuid::text, 'i', 'f', 0, @p, 'Core flow', 12, 'u', now(), now() FROM generate_series(1, {count}) i;
            """,
            ("cv", TestBlobs.Kryo(TestBlobs.Payload(4000), TestEncoding.Snappy)),
            ("fs", TestBlobs.Kryo(TestBlobs.Payload(30_000), TestEncoding.Deflate)),
            ("hmac", new byte[16]),
            ("p", TestBlobs.Amqp(TestBlobs.Payload(200))));
        var progress = new RecordingProgress();

        var report = await Verifier(tables, o => o.ProgressInterval = 500).VerifyToReportAsync(progress, Ct);

        Assert.Empty(report.Findings);
        Assert.Equal(count, report.FlowsChecked);
        Assert.Equal(3 * count, report.BlobsChecked);
        Assert.True(progress.Reports.Count(p => !p.Completed) >= 5, $"{progress.Reports.Count} progress reports");
    }

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
        var tables = await NewSchemaAsync();
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
        var tables = await NewSchemaAsync();
        await tables.CreateCorda46Async();
        var flow = Guid.NewGuid().ToString();
        await tables.InsertCleanFlowAsync(flow, CheckpointFlowStatus.Runnable);

        var services = Services(tables.ConnectionString, tables.Schema, configureBuilder: b => b.AddCheckpointRule(new ThrowingRule()));
        var findings = await ToListAsync(Build(services).GetRequiredService<ICheckpointVerifier>().VerifyAsync(cancellationToken: Ct));

        Assert.Equal((RuleFailed, flow, FindingSeverity.Error), Assert.Single(findings) is var f ? (f.Code, f.FlowId, f.Severity) : default);
    }

    [Fact]
    public async Task Blobs_larger_than_MaxBlobBytes_are_reported_without_being_read_whole()
    {
        var tables = await NewSchemaAsync();
        await tables.CreateCorda46Async();
        var large = await InsertAsync(tables, Guid.NewGuid().ToString(), status: 0, flowState: TestBlobs.Kryo(TestBlobs.Payload(50_000)));

        var findings = await ToListAsync(Verifier(tables, o => o.MaxBlobBytes = 40_000).VerifyAsync(cancellationToken: Ct));

        var finding = Assert.Single(findings);
        Assert.Equal((BlobSizeLimit, large, "flow_state"), (finding.Code, finding.FlowId, finding.Column));
    }

    [Fact]
    public async Task With_blob_checks_off_only_the_rules_run()
    {
        var tables = await NewSchemaAsync();
        await tables.CreateCorda46Async();
        await InsertAsync(tables, Guid.NewGuid().ToString(), status: 0, flowState: [1, 2, 3]);
        var noFlowState = await InsertAsync(tables, Guid.NewGuid().ToString(), status: 0, flowState: null);

        var report = await Verifier(tables, o => o.CheckBlobs = false).VerifyToReportAsync(cancellationToken: Ct);

        Assert.Equal(0, report.BlobsChecked);
        Assert.Equal((RowMissingFlowState, noFlowState), Assert.Single(report.Findings) is var f ? (f.Code, f.FlowId) : default);
    }

    [Fact]
    public async Task A_database_without_Corda_tables_is_refused_with_a_clear_message()
    {
        var tables = await NewSchemaAsync();
        await tables.ExecuteAsync($"CREATE SCHEMA {tables.Schema}");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Verifier(tables).VerifyToReportAsync(cancellationToken: Ct));

        Assert.Contains("node_checkpoints", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_half_created_46_schema_is_refused_naming_what_is_missing()
    {
        var tables = await NewSchemaAsync();
        await tables.CreateCorda46Async();
        await tables.ExecuteAsync($"DROP TABLE {tables.Schema}.node_flow_results");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Verifier(tables).VerifyToReportAsync(cancellationToken: Ct));

        Assert.Contains("node_flow_results.result_value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_and_an_early_stop_end_the_run()
    {
        var tables = await NewSchemaAsync();
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
                default: o.SchemaName = "public; DROP TABLE x"; break;
            }
        });

        var error = Assert.Throws<OptionsValidationException>(() => Build(services).GetRequiredService<IOptions<CheckpointVerificationOptions>>().Value);

        Assert.Contains(expectedInMessage, error.Message, StringComparison.Ordinal);
    }

    private static async Task<string> InsertAsync(
        CordaTables tables,
        string flowId,
        int status,
        byte[]? flowState,
        bool finished = false,
        bool result = false,
        byte[]? checkpointValue = null,
        byte[]? parameters = null,
        byte[]? resultValue = null,
        byte[]? exceptionValue = null)
    {
        await tables.InsertCheckpointAsync(flowId, status);
        await tables.InsertBlobAsync(flowId, checkpointValue ?? TestBlobs.Kryo([1, 2, 3]), flowState);
        await tables.InsertMetadataAsync(flowId, finished, parameters);
        if (result || resultValue is not null)
        {
            await tables.InsertResultAsync(flowId, resultValue ?? TestBlobs.Amqp([1]));
        }

        if (exceptionValue is not null)
        {
            await tables.InsertExceptionAsync(flowId, exceptionValue);
        }

        return flowId;
    }

    private static async Task<List<Finding>> ToListAsync(IAsyncEnumerable<Finding> findings)
    {
        var list = new List<Finding>();
        await foreach (var finding in findings)
        {
            list.Add(finding);
        }

        return list;
    }

    private async Task<CordaTables> NewSchemaAsync() => new(_database, "s_" + Guid.NewGuid().ToString("N")[..16]);

    private ICheckpointVerifier Verifier(CordaTables tables, Action<CheckpointVerificationOptions>? configure = null) =>
        Build(Services(tables.ConnectionString, tables.Schema, configure)).GetRequiredService<ICheckpointVerifier>();

    private static ServiceCollection Services(string connectionString, string? schema, Action<CheckpointVerificationOptions>? configure = null, Action<CheckpointVerificationBuilder>? configureBuilder = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCordaHa(ha =>
        {
            var builder = ha.AddCheckpointVerification(o =>
            {
                o.SchemaName = schema;
                configure?.Invoke(o);
            }).UsePostgreSql(connectionString);
            configureBuilder?.Invoke(builder);
        });
        return services;
    }

    private ServiceProvider Build(ServiceCollection services)
    {
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _providers.Add(provider);
        return provider;
    }

    private sealed class RecordingProgress : IProgress<CheckpointVerificationProgress>
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<CheckpointVerificationProgress> _reports = new();

        public IReadOnlyCollection<CheckpointVerificationProgress> Reports => _reports;

        public void Report(CheckpointVerificationProgress value) => _reports.Enqueue(value);
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
