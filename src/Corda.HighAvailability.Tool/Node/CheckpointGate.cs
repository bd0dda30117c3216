using Corda.HighAvailability.Checkpoints;
using Corda.HighAvailability.LeaseElection.Storage;
using Corda.HighAvailability.LeaseElection.Supervision;
using Corda.HighAvailability.Tool.Checkpoints;
using Corda.HighAvailability.Tool.Providers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Corda.HighAvailability.Tool.Node;

/// <summary>
/// <c>--verify-checkpoints</c>: before every start of the node, the checkpoint verifier reads the node's checkpoint
/// tables (read-only). With <c>refuse</c> (the default) the node stays down when it finds errors, and the supervisor
/// releases the lease so that a standby can try; with <c>warn</c> the supervisor logs the verdict as a warning and
/// starts the node anyway (for operators who would rather run with findings than not run at all).
/// </summary>
internal sealed partial class CheckpointGate(NodeRunSettings settings, ILogger<CheckpointGate> logger) : IPreStartGate
{
    public async ValueTask<PreStartGateResult> CheckAsync(LeaseToken token, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        services.AddCordaHa(ha => ha.AddCheckpointVerification().UseProvider(settings.Provider, settings.ConnectionString));
        var provider = services.BuildServiceProvider();
        await using (provider.ConfigureAwait(false))
        {
            var verifier = provider.GetRequiredService<ICheckpointVerifier>();
            var report = await verifier.VerifyToReportAsync(null, cancellationToken).ConfigureAwait(false);
            var line = Verdict.Line(report, settings.VerifyFailOn);
            LogVerdict(logger, token.Epoch, line);
            if (!Verdict.Fails(report, settings.VerifyFailOn))
            {
                return PreStartGateResult.Allow();
            }

            var reason = $"checkpoint verification: {line}";
            return settings.VerifyCheckpoints == CheckpointGateMode.Warn ? PreStartGateResult.AllowWithWarning(reason) : PreStartGateResult.Refuse(reason);
        }
    }

    [LoggerMessage(EventId = 5100, Level = LogLevel.Information, Message = "Checkpoint verification before starting the node under epoch {Epoch}: {Verdict}")]
    private static partial void LogVerdict(ILogger logger, long epoch, string verdict);
}
