using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Drill;
using Corda.HighAvailability.Tool.Providers;

namespace Corda.HighAvailability.IntegrationTests.Processes;

/// <summary>
/// The drill's judgement of its stale writes, on crafted histories: the end of a drill on SQLite where the final
/// leader lost its short term and nobody took over (not applicable, not an error), and the cases that must keep the
/// candidate's outcome (a later grant existed, the term was released, the write was accepted).
/// </summary>
public sealed class StaleWriteClassificationTests
{
    [Fact]
    public void A_lost_final_term_with_no_later_grant_is_not_applicable()
    {
        var history = PauseRoundThenFinalLeader(finalKind: "lost", finalOutcome: StaleWriteOutcomes.Error);

        var verdicts = StaleWriteClassification.Classify(history);

        Assert.Equal(2, verdicts.Count);
        Assert.Equal(new StaleWriteVerdict("candidate-1", 5, StaleWriteOutcomes.Rejected, null), verdicts[0]);
        var final = verdicts[1];
        Assert.Equal(("candidate-4", 6L, StaleWriteOutcomes.NotApplicable), (final.Candidate, final.Epoch, final.Outcome));
        Assert.Contains("lost (did not release) its term at epoch 6", final.Reason, StringComparison.Ordinal);
        Assert.Contains("no later grant", final.Reason, StringComparison.Ordinal);

        var result = Result(verdicts);
        Assert.Equal((1, 0, 0, 1), (result.StaleWritesRejected, result.StaleWritesAccepted, result.StaleWriteErrors, result.StaleWritesNotApplicable));
        Assert.True(result.Safe);
    }

    [Theory]
    [InlineData(CandidateEventNames.Leading)]
    [InlineData(CandidateEventNames.FirstWrite)]
    [InlineData(CandidateEventNames.Observed)]
    public void An_error_stays_an_error_when_a_later_grant_was_seen(string laterGrantEvent)
    {
        var history = PauseRoundThenFinalLeader(finalKind: "lost", finalOutcome: StaleWriteOutcomes.Error);
        history.Add(Event("candidate-5", laterGrantEvent, 7));

        var final = StaleWriteClassification.Classify(history)[1];

        Assert.Equal(StaleWriteOutcomes.Error, final.Outcome);
        Assert.Null(final.Reason);
    }

    [Theory]
    [InlineData("released")]
    [InlineData("fenced")]
    [InlineData("unknown")]
    public void An_error_stays_an_error_when_the_term_was_not_lost(string kind)
    {
        var history = PauseRoundThenFinalLeader(finalKind: kind, finalOutcome: StaleWriteOutcomes.Error);

        Assert.Equal(StaleWriteOutcomes.Error, StaleWriteClassification.Classify(history)[1].Outcome);
    }

    [Fact]
    public void An_error_stays_an_error_when_the_lost_term_was_another_candidates_or_another_epochs()
    {
        List<DrillEvent> history =
        [
            Event("candidate-1", CandidateEventNames.Leading, 6),
            Event("candidate-2", CandidateEventNames.Stopped, 6, kind: "lost"),
            Event("candidate-1", CandidateEventNames.Stopped, 5, kind: "lost"),
            Event("candidate-1", CandidateEventNames.Stopped, 6, kind: "released"),
            Event("candidate-1", CandidateEventNames.StaleWrite, 6, outcome: StaleWriteOutcomes.Error),
        ];

        Assert.Equal(StaleWriteOutcomes.Error, StaleWriteClassification.Classify(history).Single().Outcome);
    }

    [Fact]
    public void An_accepted_stale_write_stays_a_safety_violation_with_or_without_a_later_grant()
    {
        var withoutLaterGrant = PauseRoundThenFinalLeader(finalKind: "lost", finalOutcome: StaleWriteOutcomes.Accepted);
        var withLaterGrant = PauseRoundThenFinalLeader(finalKind: "lost", finalOutcome: StaleWriteOutcomes.Accepted);
        withLaterGrant.Add(Event("candidate-5", CandidateEventNames.Leading, 7));

        foreach (var history in new[] { withoutLaterGrant, withLaterGrant })
        {
            var verdicts = StaleWriteClassification.Classify(history);
            Assert.Equal(StaleWriteOutcomes.Accepted, verdicts[1].Outcome);
            Assert.False(Result(verdicts).Safe);
        }
    }

    [Fact]
    public void The_paused_leaders_error_is_an_error_since_its_grant_was_superseded()
    {
        var history = PauseRoundThenFinalLeader(finalKind: "lost", finalOutcome: StaleWriteOutcomes.Rejected);
        var paused = history.FindIndex(e => e.Name == CandidateEventNames.StaleWrite && e.Candidate == "candidate-1");
        history[paused] = history[paused] with { Outcome = StaleWriteOutcomes.Error };

        var verdicts = StaleWriteClassification.Classify(history);

        Assert.Equal(StaleWriteOutcomes.Error, verdicts[0].Outcome);
        Assert.Equal(1, Result(verdicts).StaleWriteErrors);
    }

    /// <summary>
    /// The pause round and the end of a drill: candidate-1 leads epoch 5 and is paused, candidate-4 takes over at
    /// epoch 6, the resumed candidate-1 loses its term and its stale write is rejected; then candidate-4's term ends
    /// with <paramref name="finalKind"/> and its stale write with <paramref name="finalOutcome"/>.
    /// </summary>
    private static List<DrillEvent> PauseRoundThenFinalLeader(string finalKind, string finalOutcome) =>
    [
        Event("candidate-1", CandidateEventNames.Leading, 5),
        Event("candidate-1", CandidateEventNames.FirstWrite, 5),
        Event("candidate-4", CandidateEventNames.Observed, 5),
        Event("candidate-4", CandidateEventNames.Leading, 6),
        Event("candidate-4", CandidateEventNames.FirstWrite, 6),
        Event("candidate-1", CandidateEventNames.Stopped, 5, kind: "lost"),
        Event("candidate-1", CandidateEventNames.StaleWrite, 5, outcome: StaleWriteOutcomes.Rejected),
        Event("candidate-4", CandidateEventNames.Stopped, 6, kind: finalKind),
        Event("candidate-6", CandidateEventNames.Observed, 6),
        Event("candidate-4", CandidateEventNames.StaleWrite, 6, outcome: finalOutcome),
    ];

    private static DrillEvent Event(string candidate, string name, long epoch, string? kind = null, string? outcome = null) =>
        new(candidate, name, epoch, 0, kind, outcome, null);

    private static DrillResult Result(IReadOnlyList<StaleWriteVerdict> verdicts) => new(
        new DrillSettings(ProviderKind.Sqlite, "Data Source=unused.db", true, "drill", null, 3, 2, TimeSpan.FromSeconds(2), OutputFormat.Json),
        [],
        WriteLogAnalysis.Analyze([]),
        verdicts,
        1,
        0,
        TimeSpan.Zero,
        []);
}
