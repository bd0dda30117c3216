using Corda.HighAvailability.Checkpoints.Rules;
using Corda.HighAvailability.Checkpoints.Schema;
using Microsoft.Extensions.DependencyInjection;
using static Corda.HighAvailability.Checkpoints.CheckpointFindingCodes;

namespace Corda.HighAvailability.Checkpoints.Tests.Infrastructure;

/// <summary>
/// What the verifier must find, through DI, in every database it supports, against a real server holding Corda-shaped
/// tables in that database's types, each test in a fresh schema (dropped afterwards). Each provider runs the same
/// scenarios through a subclass that says how to write Corda's tables and how to point the verifier at the database.
/// </summary>
public abstract class CheckpointVerifierContractTests : IAsyncLifetime
{
    private static readonly TestEncoding[][] AllEncodings = [[], [TestEncoding.Deflate], [TestEncoding.Snappy]];
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

    /// <summary>Makes the verifier read the provider's database at <paramref name="connectionString"/>.</summary>
    protected abstract CheckpointVerificationBuilder UseDatabase(CheckpointVerificationBuilder builder, string connectionString);

    [Fact]
    public async Task A_clean_Corda_46_database_in_every_status_and_encoding_has_no_findings()
    {
        var tables = NewSchema();
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
        var tables = NewSchema();
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

        var unknownEncoding = await InsertAsync(tables, Id(), status: 2, flowState: null, finished: true, resultValue: [.. TestBlobs.AmqpMagic, 2, 7, 0, 1]);
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
    public async Task Flow_ids_that_a_case_insensitive_collation_would_reorder_are_merged_in_ordinal_order()
    {
        // Under SQL Server's usual *_CI_AS collations (and PostgreSQL's linguistic ones) 'a...' sorts before 'B...';
        // ordinally 'B' (0x42) comes first.
        var tables = NewSchema();
        await tables.CreateCorda46Async();
        string[] ids = ["a-flow", "B-flow", "b-flow", "A-flow", "_flow", "Z-flow"];
        foreach (var id in ids)
        {
            await tables.InsertCleanFlowAsync(id, CheckpointFlowStatus.Runnable);
        }

        var orphan = "C-orphan";
        await tables.InsertBlobAsync(orphan, TestBlobs.Kryo([1]), null);

        var report = await Verifier(tables).VerifyToReportAsync(cancellationToken: Ct);

        Assert.Equal(ids.Length + 1, report.FlowsChecked);
        Assert.Equal((RowOrphanBlob, orphan), Assert.Single(report.Findings) is var f ? (f.Code, f.FlowId) : default);
    }

    [Fact]
    public async Task A_pre_46_database_is_detected_and_its_blobs_checked()
    {
        var tables = NewSchema();
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
        var tables = NewSchema();
        await tables.CreateCorda46Async();
        const int count = 3000;
        await tables.InsertRunnableFlowsAsync(
            count,
            checkpointValue: TestBlobs.Kryo(TestBlobs.Payload(4000), TestEncoding.Snappy),
            flowState: TestBlobs.Kryo(TestBlobs.Payload(30_000), TestEncoding.Deflate),
            parameters: TestBlobs.Amqp(TestBlobs.Payload(200)));
        var progress = new RecordingProgress();

        var report = await Verifier(tables, o =>
        {
            o.Parallelism = 4;
            o.ProgressInterval = 500;
        }).VerifyToReportAsync(progress, Ct);

        Assert.Empty(report.Findings);
        Assert.Equal(count, report.FlowsChecked);
        Assert.Equal(3 * count, report.BlobsChecked);
        Assert.True(progress.Reports.Count(p => !p.Completed) >= 5, $"{progress.Reports.Count} progress reports");
    }

    [Fact]
    public async Task Blobs_larger_than_MaxBlobBytes_are_reported_without_being_read_whole()
    {
        var tables = NewSchema();
        await tables.CreateCorda46Async();
        var large = await InsertAsync(tables, Guid.NewGuid().ToString(), status: 0, flowState: TestBlobs.Kryo(TestBlobs.Payload(50_000)));

        var findings = await ToListAsync(Verifier(tables, o => o.MaxBlobBytes = 40_000).VerifyAsync(cancellationToken: Ct));

        var finding = Assert.Single(findings);
        Assert.Equal((BlobSizeLimit, large, "flow_state"), (finding.Code, finding.FlowId, finding.Column));
    }

    [Fact]
    public async Task A_schema_without_Corda_tables_is_refused_with_a_clear_message()
    {
        var tables = NewSchema();
        await tables.CreateSchemaAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Verifier(tables).VerifyToReportAsync(cancellationToken: Ct));

        Assert.Contains("node_checkpoints", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_half_created_46_schema_is_refused_naming_what_is_missing()
    {
        var tables = NewSchema();
        await tables.CreateCorda46Async();
        await tables.ExecuteAsync($"DROP TABLE {tables.Schema}.node_flow_results");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Verifier(tables).VerifyToReportAsync(cancellationToken: Ct));

        Assert.Contains("node_flow_results.result_value", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A flow's rows with the given defects: its checkpoint, blob and metadata rows, and a result or exception row when asked.</summary>
    protected static async Task<string> InsertAsync(
        CordaTableBuilder tables,
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

    protected static async Task<List<Finding>> ToListAsync(IAsyncEnumerable<Finding> findings)
    {
        var list = new List<Finding>();
        await foreach (var finding in findings)
        {
            list.Add(finding);
        }

        return list;
    }

    /// <summary>Corda's tables in a fresh schema (not created yet), dropped when the test ends.</summary>
    protected CordaTableBuilder NewSchema()
    {
        var tables = NewTables("s_" + Guid.NewGuid().ToString("N")[..16]);
        _schemas.Add(tables);
        return tables;
    }

    protected ICheckpointVerifier Verifier(CordaTableBuilder tables, Action<CheckpointVerificationOptions>? configure = null) =>
        Build(Services(tables.ConnectionString, tables.Schema, configure)).GetRequiredService<ICheckpointVerifier>();

    /// <summary>The verifier registered through <c>AddCordaHa</c> on the provider's database, as a host would.</summary>
    protected ServiceCollection Services(
        string connectionString,
        string? schema,
        Action<CheckpointVerificationOptions>? configure = null,
        Action<CheckpointVerificationBuilder>? configureBuilder = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCordaHa(ha =>
        {
            var builder = UseDatabase(
                ha.AddCheckpointVerification(o =>
                {
                    o.SchemaName = schema;
                    configure?.Invoke(o);
                }),
                connectionString);
            configureBuilder?.Invoke(builder);
        });
        return services;
    }

    /// <summary>Builds <paramref name="services"/> with validation on, disposed when the test ends.</summary>
    protected ServiceProvider Build(ServiceCollection services)
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
}
