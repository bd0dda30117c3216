using Corda.HighAvailability.Tool.Drill;

namespace Corda.HighAvailability.IntegrationTests.Processes;

/// <summary>
/// The drill's overlap check reads the log in true commit order. Issue #6: a write under epoch 5 inserted first and
/// committed after a write under epoch 6 read as "5 then 6" in insert order, and passed.
/// </summary>
public sealed class WriteLogAnalysisTests
{
    [Fact]
    public void A_write_committed_after_a_newer_epoch_is_an_overlap_in_commit_order()
    {
        // Commit order: epoch 5, epoch 6, then the late commit of a write made under epoch 5.
        var analysis = WriteLogAnalysis.Analyze([(1, "a", 5), (2, "b", 6), (3, "a", 5)]);

        Assert.Equal(1, analysis.Overlaps);
        Assert.Contains("commit #3", analysis.FirstOverlap, StringComparison.Ordinal);
    }

    [Fact]
    public void Writes_in_commit_order_with_rising_epochs_are_clean()
    {
        var analysis = WriteLogAnalysis.Analyze([(1, "a", 5), (2, "a", 5), (3, "b", 6), (4, "c", 7)]);

        Assert.Equal(0, analysis.Overlaps);
        Assert.Equal(3, analysis.Epochs);
        Assert.Equal(4, analysis.Writes);
    }

    [Fact]
    public void One_epoch_written_by_two_holders_is_an_overlap()
    {
        var analysis = WriteLogAnalysis.Analyze([(1, "a", 5), (2, "b", 5)]);

        Assert.Equal(1, analysis.Overlaps);
    }
}
