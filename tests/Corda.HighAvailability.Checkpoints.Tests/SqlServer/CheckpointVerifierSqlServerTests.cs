using Corda.HighAvailability.Checkpoints.Rules;
using Corda.HighAvailability.Checkpoints.Schema;
using Corda.HighAvailability.Checkpoints.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Corda.HighAvailability.Checkpoints.CheckpointFindingCodes;
using static Corda.HighAvailability.Checkpoints.Tests.SqlServer.SqlServerTestEnvironment;

namespace Corda.HighAvailability.Checkpoints.Tests.SqlServer;

/// <summary>
/// The verifier through DI against a real SQL Server holding Corda-shaped tables in SQL Server types, each test in a
/// fresh schema (dropped afterwards): the same scenarios and findings as the PostgreSQL tests. SQL Server cannot run
/// on the development machine, so these run only when CORDA_HA_TEST_SQLSERVER holds a connection string, and are
/// reported as skipped, with the reason, otherwise.
/// </summary>
public sealed class CheckpointVerifierSqlServerTests : IAsyncLifetime
{
    private static readonly TestEncoding[][] AllEncodings = [[], [TestEncoding.Deflate], [TestEncoding.Snappy]];
    private readonly List<ServiceProvider> _providers = [];
    private readonly List<SqlServerCordaTables> _schemas = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
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

    [Fact(Skip = SkipReason, SkipUnless = nameof(IsAvailable), SkipType = typeof(SqlServerTestEnvironment))]
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

        var report = await Verifier(tables).VerifyToReportAsync(cancellationToken: Ct);

        Assert.Empty(report.Findings);
        Assert.Equal(CheckpointSchema.Corda46OrLater, report.Schema);
        Assert.Equal(flows, report.FlowsChecked);
        Assert.Equal(3 * (6 + 4 + 6 + 1 + 3), report.BlobsChecked);
    }

    [Theory(Skip = SkipReason, SkipUnless = nameof(IsAvailable), SkipType = typeof(SqlServerTestEnvironment))]
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

    [Fact(Skip = SkipReason, SkipUnless = nameof(IsAvailable), SkipType = typeof(SqlServerTestEnvironment))]
    public async Task Flow_ids_that_a_case_insensitive_collation_would_reorder_are_merged_in_ordinal_order()
    {
        // Under SQL Server's usual *_CI_AS collations 'a...' sorts before 'B...'; ordinally 'B' (0x42) comes first.
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

    [Fact(Skip = SkipReason, SkipUnless = nameof(IsAvailable), SkipType = typeof(SqlServerTestEnvironment))]
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

    [Fact(Skip = SkipReason, SkipUnless = nameof(IsAvailable), SkipType = typeof(SqlServerTestEnvironment))]
    public async Task Thousands_of_flows_are_streamed()
    {
        var tables = NewSchema();
        await tables.CreateCorda46Async();
        const int count = 3000;
        await tables.ExecuteAsync(
            $"""
            INSERT INTO {tables.Schema}.node_checkpoints (flow_id, status, compatible, timestamp)
                SELECT TOP ({count}) LOWER(CONVERT(NVARCHAR(36), NEWID())), 0, 1, SYSUTCDATETIME()
                FROM sys.all_objects a CROSS JOIN sys.all_objects b;
            INSERT INTO {tables.Schema}.node_checkpoint_blobs (flow_id, checkpoint_value, flow_state, timestamp, hmac)
                SELECT flow_id, @cv, @fs, SYSUTCDATETIME(), @hmac FROM {tables.Schema}.node_checkpoints;
            INSERT INTO {tables.Schema}.node_flow_metadata (flow_id, invocation_id, flow_name, started_type, flow_parameters,
                cordapp_name, platform_version, started_by, invocation_time, start_time)
                SELECT flow_id, N'i', N'f', 0, @p, N'Core flow', 12, N'u', SYSUTCDATETIME(), SYSUTCDATETIME() FROM {tables.Schema}.node_checkpoints;
            """,
            ("cv", TestBlobs.Kryo(TestBlobs.Payload(4000), TestEncoding.Snappy)),
            ("fs", TestBlobs.Kryo(TestBlobs.Payload(30_000), TestEncoding.Deflate)),
            ("hmac", new byte[16]),
            ("p", TestBlobs.Amqp(TestBlobs.Payload(200))));

        var report = await Verifier(tables, o => o.Parallelism = 4).VerifyToReportAsync(cancellationToken: Ct);

        Assert.Empty(report.Findings);
        Assert.Equal(count, report.FlowsChecked);
        Assert.Equal(3 * count, report.BlobsChecked);
    }

    [Fact(Skip = SkipReason, SkipUnless = nameof(IsAvailable), SkipType = typeof(SqlServerTestEnvironment))]
    public async Task Blobs_larger_than_MaxBlobBytes_are_reported_without_being_read_whole()
    {
        var tables = NewSchema();
        await tables.CreateCorda46Async();
        var large = await InsertAsync(tables, Guid.NewGuid().ToString(), status: 0, flowState: TestBlobs.Kryo(TestBlobs.Payload(50_000)));

        var findings = await ToListAsync(Verifier(tables, o => o.MaxBlobBytes = 40_000).VerifyAsync(cancellationToken: Ct));

        var finding = Assert.Single(findings);
        Assert.Equal((BlobSizeLimit, large, "flow_state"), (finding.Code, finding.FlowId, finding.Column));
    }

    [Fact(Skip = SkipReason, SkipUnless = nameof(IsAvailable), SkipType = typeof(SqlServerTestEnvironment))]
    public async Task A_schema_without_Corda_tables_is_refused_with_a_clear_message()
    {
        var tables = NewSchema();
        await tables.CreateSchemaAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Verifier(tables).VerifyToReportAsync(cancellationToken: Ct));

        Assert.Contains("node_checkpoints", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact(Skip = SkipReason, SkipUnless = nameof(IsAvailable), SkipType = typeof(SqlServerTestEnvironment))]
    public async Task A_half_created_46_schema_is_refused_naming_what_is_missing()
    {
        var tables = NewSchema();
        await tables.CreateCorda46Async();
        await tables.ExecuteAsync($"DROP TABLE {tables.Schema}.node_flow_results");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Verifier(tables).VerifyToReportAsync(cancellationToken: Ct));

        Assert.Contains("node_flow_results.result_value", error.Message, StringComparison.Ordinal);
    }

    private static async Task<string> InsertAsync(
        SqlServerCordaTables tables,
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

    private SqlServerCordaTables NewSchema()
    {
        var tables = new SqlServerCordaTables(ConnectionString!, "s_" + Guid.NewGuid().ToString("N")[..16]);
        _schemas.Add(tables);
        return tables;
    }

    private ICheckpointVerifier Verifier(SqlServerCordaTables tables, Action<CheckpointVerificationOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCordaHa(ha => ha.AddCheckpointVerification(o =>
        {
            o.SchemaName = tables.Schema;
            configure?.Invoke(o);
        }).UseSqlServer(tables.ConnectionString));
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _providers.Add(provider);
        return provider.GetRequiredService<ICheckpointVerifier>();
    }
}
