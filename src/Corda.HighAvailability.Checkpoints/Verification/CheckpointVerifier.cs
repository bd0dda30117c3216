using System.Runtime.CompilerServices;
using Corda.HighAvailability.Checkpoints.Reading;
using Corda.HighAvailability.Checkpoints.Rules;
using Corda.HighAvailability.Checkpoints.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Checkpoints.Verification;

/// <summary>The <see cref="ICheckpointVerifier"/>: each call is an independent <see cref="VerificationRun"/>.</summary>
internal sealed class CheckpointVerifier : ICheckpointVerifier
{
    private readonly CheckpointDatabase _database;
    private readonly CheckpointVerificationOptions _options;
    private readonly IReadOnlyList<ICheckpointRule> _rules;
    private readonly CheckpointVerificationMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public CheckpointVerifier(
        CheckpointDatabase database,
        IOptions<CheckpointVerificationOptions> options,
        IEnumerable<ICheckpointRule> rules,
        CheckpointVerificationMetrics metrics,
        TimeProvider? time = null,
        ILogger<CheckpointVerifier>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(metrics);
        _database = database;
        _options = options.Value;
        _rules = rules.Where(r => !_options.DisabledRules.Contains(r.Id)).ToList();
        _metrics = metrics;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public async IAsyncEnumerable<Finding> VerifyAsync(IProgress<CheckpointVerificationProgress>? progress = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var run = NewRun(progress);
        await foreach (var finding in run.RunAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return finding;
        }
    }

    public async Task<CheckpointVerificationReport> VerifyToReportAsync(IProgress<CheckpointVerificationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var started = _time.GetTimestamp();
        var run = NewRun(progress);
        var kept = new List<Finding>();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        long errors = 0;
        long warnings = 0;
        await foreach (var finding in run.RunAsync(cancellationToken).ConfigureAwait(false))
        {
            counts[finding.Code] = counts.GetValueOrDefault(finding.Code) + 1;
            if (finding.Severity == FindingSeverity.Error)
            {
                errors++;
            }
            else
            {
                warnings++;
            }

            if (kept.Count < _options.MaxReportedFindings)
            {
                kept.Add(finding);
            }
        }

        return new CheckpointVerificationReport(run.Schema, run.FlowsChecked, run.BlobsChecked, counts, errors, warnings, kept, _time.GetElapsedTime(started));
    }

    private VerificationRun NewRun(IProgress<CheckpointVerificationProgress>? progress) =>
        new(_database, _options, _rules, _metrics, _time, _logger, progress);
}
