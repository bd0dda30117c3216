using Corda.HighAvailability.Checkpoints.Rules;
using Microsoft.Extensions.Logging;

namespace Corda.HighAvailability.Checkpoints.Verification;

/// <summary>
/// Applies the enabled cross-table rules to one flow. A rule that throws becomes a <c>rule-failed</c> error for that
/// flow instead of ending the run: the gate must fail rather than pass a flow it could not check.
/// </summary>
internal sealed class RuleEvaluator(IReadOnlyList<ICheckpointRule> rules, ILogger logger)
{
    public void Evaluate(CheckpointFlow flow, List<Finding> found)
    {
        foreach (var rule in rules)
        {
            try
            {
                rule.Evaluate(flow, found);
            }
            catch (Exception e)
            {
                VerificationLog.RuleFailed(logger, e, rule.Id, flow.FlowId);
                found.Add(new Finding(CheckpointFindingCodes.RuleFailed, FindingSeverity.Error, flow.FlowId, CheckpointTables.Checkpoints,
                    $"Rule '{rule.Id}' threw {e.GetType().Name}; the flow could not be checked by it."));
            }
        }
    }
}
