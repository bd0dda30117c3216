using Corda.HighAvailability.Checkpoints.Rules;
using Corda.HighAvailability.Checkpoints.Rules.BuiltIn;
using static Corda.HighAvailability.Checkpoints.CheckpointFindingCodes;

namespace Corda.HighAvailability.Checkpoints.Tests.Rules;

/// <summary>The built-in rules over hand-built flows: clean shapes of every status pass, each broken shape gives one finding.</summary>
public sealed class BuiltInRuleTests
{
    public static TheoryData<string, CheckpointFlow> CleanFlows => new()
    {
        { "RUNNABLE", Flow(0, flowState: true) },
        { "HOSPITALIZED with exception", Flow(3, flowState: true, exception: true) },
        { "HOSPITALIZED without exception (uncaught-exception path)", Flow(3, flowState: true) },
        { "PAUSED", Flow(5, flowState: true) },
        { "COMPLETED", Flow(2, finishTime: true, result: true) },
        { "FAILED", Flow(1, finishTime: true, exception: true) },
        { "KILLED without finish_time", Flow(4, flowState: true, exception: true) },
    };

    public static TheoryData<string, CheckpointFlow, string, string> BrokenFlows => new()
    {
        { "no blob row", Flow(0, blobRow: false), RowMissingBlob, CheckpointTables.CheckpointBlobs },
        { "orphan blob row", new CheckpointFlow("f") { HasBlobRow = true, HasFlowState = true }, RowOrphanBlob, CheckpointTables.CheckpointBlobs },
        { "no metadata", Flow(0, flowState: true, metadata: false), RowMissingMetadata, CheckpointTables.FlowMetadata },
        { "status 6", Flow(6, flowState: true), RowInvalidStatus, CheckpointTables.Checkpoints },
        { "status -1", Flow(-1, flowState: true), RowInvalidStatus, CheckpointTables.Checkpoints },
        { "RUNNABLE without flow_state", Flow(0), RowMissingFlowState, CheckpointTables.CheckpointBlobs },
        { "HOSPITALIZED without flow_state", Flow(3), RowMissingFlowState, CheckpointTables.CheckpointBlobs },
        { "PAUSED without flow_state", Flow(5), RowMissingFlowState, CheckpointTables.CheckpointBlobs },
        { "COMPLETED without finish_time", Flow(2, result: true), RowFinishedWithoutFinishTime, CheckpointTables.FlowMetadata },
        { "FAILED without finish_time", Flow(1, exception: true), RowFinishedWithoutFinishTime, CheckpointTables.FlowMetadata },
        { "COMPLETED without result", Flow(2, finishTime: true), RowCompletedWithoutResult, CheckpointTables.FlowResults },
        { "FAILED without exception", Flow(1, finishTime: true), RowFailedWithoutException, CheckpointTables.FlowExceptions },
        { "KILLED without exception", Flow(4, flowState: true), RowFailedWithoutException, CheckpointTables.FlowExceptions },
    };

    [Theory]
    [MemberData(nameof(CleanFlows))]
    public void Clean_flows_of_every_status_pass(string name, CheckpointFlow flow)
    {
        Assert.Empty(Evaluate(flow));
        Assert.NotNull(name);
    }

    [Theory]
    [MemberData(nameof(BrokenFlows))]
    public void Each_broken_flow_gives_exactly_one_finding(string name, CheckpointFlow flow, string code, string table)
    {
        var finding = Assert.Single(Evaluate(flow));

        Assert.Equal(code, finding.Code);
        Assert.Equal(table, finding.Table);
        Assert.Equal(flow.FlowId, finding.FlowId);
        Assert.NotNull(name);
    }

    [Fact]
    public void Orphan_blobs_are_warnings_and_everything_else_errors()
    {
        var orphan = Assert.Single(Evaluate(new CheckpointFlow("f") { HasBlobRow = true }));
        Assert.Equal(FindingSeverity.Warning, orphan.Severity);
        Assert.All(Evaluate(Flow(2)), f => Assert.Equal(FindingSeverity.Error, f.Severity));
    }

    [Fact]
    public void Built_in_rule_ids_are_their_codes_and_unique()
    {
        var ids = BuiltInCheckpointRules.All.Select(r => r.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.StartsWith("row-", id, StringComparison.Ordinal));
    }

    private static List<Finding> Evaluate(CheckpointFlow flow)
    {
        var findings = new List<Finding>();
        foreach (var rule in BuiltInCheckpointRules.All)
        {
            rule.Evaluate(flow, findings);
        }

        return findings;
    }

    private static CheckpointFlow Flow(int status, bool blobRow = true, bool flowState = false, bool metadata = true, bool finishTime = false, bool result = false, bool exception = false) =>
        new("flow-" + status)
        {
            Status = status,
            HasBlobRow = blobRow,
            HasFlowState = blobRow && flowState,
            HasMetadataRow = metadata,
            HasFinishTime = metadata && finishTime,
            HasResultRow = result,
            HasExceptionRow = exception,
        };
}
