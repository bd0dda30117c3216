using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Checkpoints.Health;

/// <summary>
/// The pre-promotion gate: runs a full verification and is unhealthy when it finds any error (warnings pass).
/// Each call reads every checkpoint table, so use it where a standby is about to be promoted or a restored backup
/// accepted, never as a frequent liveness or readiness probe.
/// </summary>
public sealed class CheckpointIntegrityHealthCheck : IHealthCheck
{
    private const int CodesInDescription = 5;
    private readonly ICheckpointVerifier _verifier;

    /// <summary>Creates the check.</summary>
    /// <param name="verifier">The verifier.</param>
    public CheckpointIntegrityHealthCheck(ICheckpointVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        _verifier = verifier;
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        CheckpointVerificationReport report;
        try
        {
            report = await _verifier.VerifyToReportAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The checkpoint tables could not be verified.", e);
        }

        var data = new Dictionary<string, object>
        {
            ["schema"] = report.Schema.ToString(),
            ["flows"] = report.FlowsChecked,
            ["blobs"] = report.BlobsChecked,
            ["errors"] = report.ErrorCount,
            ["warnings"] = report.WarningCount,
        };
        foreach (var (code, count) in report.CountsByCode)
        {
            data[code] = count;
        }

        if (report.IsHealthy)
        {
            return HealthCheckResult.Healthy(
                $"{report.FlowsChecked} flows and {report.BlobsChecked} blobs verified: no errors, {report.WarningCount} warnings.", data);
        }

        var codes = string.Join(", ", report.Findings
            .Where(f => f.Severity == FindingSeverity.Error)
            .Select(f => f.Code)
            .Distinct(StringComparer.Ordinal)
            .Take(CodesInDescription));
        return new HealthCheckResult(
            context.Registration.FailureStatus,
            $"{report.ErrorCount} checkpoint integrity errors in {report.FlowsChecked} flows ({codes}): do not promote.",
            data: data);
    }
}
