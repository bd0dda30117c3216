using System.Globalization;
using Corda.HighAvailability.Checkpoints.Rules;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Checkpoints.Flows;

/// <summary>
/// Reports stuck flows: the registration's failure status (Degraded by default) when more HOSPITALIZED or PAUSED flows
/// than tolerated exist, or one of them is older than <see cref="FlowHospitalHealthCheckOptions.MaxAge"/>. One
/// grouped query per run, on the reader's pooled connections. The data carries the count of every status and the
/// oldest age in seconds of each status that has flows.
/// </summary>
public sealed class FlowHospitalHealthCheck : IHealthCheck
{
    private readonly IFlowHospitalReader _reader;
    private readonly FlowHospitalHealthCheckOptions _options;

    /// <summary>Creates the check.</summary>
    /// <param name="reader">The flow view.</param>
    /// <param name="options">The thresholds.</param>
    public FlowHospitalHealthCheck(IFlowHospitalReader reader, FlowHospitalHealthCheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);
        _reader = reader;
        _options = options;
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        FlowHospitalSummary summary;
        try
        {
            summary = await _reader.GetSummaryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The flow tables could not be read.", e);
        }

        var data = Data(summary);
        var problems = new List<string>();
        Judge(summary, CheckpointFlowStatus.Hospitalized, _options.MaxHospitalized, problems);
        Judge(summary, CheckpointFlowStatus.Paused, _options.MaxPaused, problems);
        if (problems.Count == 0)
        {
            return HealthCheckResult.Healthy(
                $"{summary.Total} flows: {summary.CountOf(CheckpointFlowStatus.Hospitalized)} hospitalized, {summary.CountOf(CheckpointFlowStatus.Paused)} paused, within limits.", data);
        }

        return new HealthCheckResult(context.Registration.FailureStatus, string.Join("; ", problems) + ".", data: data);
    }

    private void Judge(FlowHospitalSummary summary, CheckpointFlowStatus status, long maxCount, List<string> problems)
    {
        var entry = summary.ByStatus[status];
        var name = Name(status);
        if (entry.Count > maxCount)
        {
            problems.Add($"{entry.Count} {name} flows (at most {maxCount} tolerated)");
        }

        if (_options.MaxAge is { } maxAge && entry.OldestAge > maxAge)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"the oldest {name} flow is {entry.OldestAge.Value.TotalSeconds:0} s old (at most {maxAge.TotalSeconds:0} s tolerated)"));
        }
    }

    private static Dictionary<string, object> Data(FlowHospitalSummary summary)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal) { ["total"] = summary.Total, ["unrecognized"] = summary.Unrecognized };
        foreach (var (status, entry) in summary.ByStatus)
        {
            data[Name(status)] = entry.Count;
            if (entry.OldestAge is { } age)
            {
                data[$"{Name(status)}OldestAgeSeconds"] = Math.Round(age.TotalSeconds, 3);
            }
        }

        return data;
    }

    private static string Name(CheckpointFlowStatus status) => status.ToString().ToLowerInvariant();
}
