using System.CommandLine;
using Corda.HighAvailability.Checkpoints;
using Corda.HighAvailability.Tool.Checkpoints;
using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Providers;

namespace Corda.HighAvailability.Tool.Commands;

/// <summary><c>corda-ha checkpoints verify</c>: the checkpoint-integrity verifier over a node database, for people and scripts.</summary>
internal static class CheckpointsVerifyCommand
{
    public static Command Create()
    {
        var provider = CommonOptions.Provider(ProviderCapability.CheckpointVerification, required: true);
        var connection = CommonOptions.Connection(true, "Connection string of the node database (stop the node first). Never printed.", ProviderCapability.CheckpointVerification);
        var format = CommonOptions.Format();
        var failOn = CheckpointOptions.FailOn();
        var schema = CheckpointOptions.Schema();
        var maxInflated = CheckpointOptions.MaxInflatedBytes();
        var parallelism = CommonOptions.Count(
            "--parallelism", "Blobs decoded at once. Default: the processor count, at most 8.", Math.Clamp(Environment.ProcessorCount, 1, 8), 1, CheckpointVerificationOptions.MaxParallelism);
        var maxFindings = CommonOptions.Count("--max-findings", "Most findings printed; the counts stay exact.", 1000, 0, int.MaxValue);
        var noProgress = CheckpointOptions.NoProgress();
        var command = new Command(
            "verify",
            "Verify a Corda node's checkpoint tables offline: decode every blob under the size limits and check the cross-table "
            + "invariants. Exit codes: 0 no findings at or above --fail-on; 1 findings at or above --fail-on; 2 usage or connection error.");
        foreach (var option in new Option[] { provider, connection, format, failOn, schema, maxInflated, parallelism, maxFindings, noProgress })
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, cancellationToken) =>
        {
            var settings = new VerifySettings(
                parse.GetValue(provider),
                parse.GetRequiredValue(connection),
                parse.GetValue(format),
                parse.GetValue(failOn),
                parse.GetValue(schema),
                parse.GetValue(maxInflated),
                parse.GetValue(parallelism),
                parse.GetValue(maxFindings),
                !parse.GetValue(noProgress));
            return CommandRunner.RunAsync(() => VerifyRunner.RunAsync(settings, cancellationToken), settings.ConnectionString);
        });
        return command;
    }
}
