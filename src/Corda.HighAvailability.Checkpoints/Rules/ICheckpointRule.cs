namespace Corda.HighAvailability.Checkpoints.Rules;

/// <summary>
/// A cross-table rule, evaluated once per flow id (Corda 4.6+ schema only) while the tables are merged in flow id
/// order. Register your own with <c>AddCheckpointRule&lt;T&gt;()</c>; disable any rule by its <see cref="Id"/> in
/// <see cref="CheckpointVerificationOptions.DisabledRules"/>.
/// </summary>
/// <remarks>Called from one thread, for millions of flows: keep it cheap and free of I/O. A rule that throws is reported as <see cref="CheckpointFindingCodes.RuleFailed"/>.</remarks>
public interface ICheckpointRule
{
    /// <summary>A stable id (built-in rules use the code they report).</summary>
    string Id { get; }

    /// <summary>Adds a finding to <paramref name="findings"/> for each defect of <paramref name="flow"/>.</summary>
    /// <param name="flow">What was seen of the flow.</param>
    /// <param name="findings">Where to add findings.</param>
    void Evaluate(CheckpointFlow flow, ICollection<Finding> findings);
}
