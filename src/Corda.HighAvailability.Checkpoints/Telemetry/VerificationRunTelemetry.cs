using System.Diagnostics;
using Corda.HighAvailability.Checkpoints.Schema;

namespace Corda.HighAvailability.Checkpoints.Telemetry;

/// <summary>
/// The activity and the duration of one verification run. Started before the schema is detected; disposed once at
/// the end, which records the duration with the run's result: <c>completed</c>, <c>failed</c>, <c>cancelled</c>, or
/// <c>stopped</c> when the caller stopped reading findings before the end.
/// </summary>
internal sealed class VerificationRunTelemetry : IDisposable
{
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
    public const string Stopped = "stopped";

    private readonly CheckpointVerificationMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly string _dbSystem;
    private readonly long _started;
    private readonly Activity? _activity;
    private string _result = Stopped;

    private VerificationRunTelemetry(CheckpointVerificationMetrics metrics, TimeProvider time, string dbSystem, Activity? activity)
    {
        _metrics = metrics;
        _time = time;
        _dbSystem = dbSystem;
        _activity = activity;
        _started = time.GetTimestamp();
    }

    public static VerificationRunTelemetry Start(CheckpointVerificationMetrics metrics, TimeProvider time, string dbSystem, string schemaName, CheckpointVerificationOptions options)
    {
        var activity = metrics.ActivitySource.StartActivity(CheckpointVerificationMetrics.ActivityName, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(CheckpointVerificationMetrics.DbSystemTag, dbSystem);
            activity.SetTag("corda_ha.checkpoint.schema_name", schemaName);
            activity.SetTag("corda_ha.checkpoint.parallelism", options.Parallelism);
            activity.SetTag("corda_ha.checkpoint.check_blobs", options.CheckBlobs);
        }

        return new VerificationRunTelemetry(metrics, time, dbSystem, activity);
    }

    public void SchemaDetected(CheckpointSchema schema) => _activity?.SetTag(CheckpointVerificationMetrics.SchemaTag, schema.ToString());

    public void Complete(long flows, long blobs, long findings, long errors)
    {
        _result = Completed;
        if (_activity is { IsAllDataRequested: true })
        {
            _activity.SetTag("corda_ha.checkpoint.flows", flows);
            _activity.SetTag("corda_ha.checkpoint.blobs", blobs);
            _activity.SetTag("corda_ha.checkpoint.findings", findings);
            _activity.SetTag("corda_ha.checkpoint.errors", errors);
        }
    }

    /// <summary>The run threw <paramref name="exception"/>; <paramref name="cancelled"/> when the caller's token asked for it.</summary>
    public void Fail(Exception exception, bool cancelled)
    {
        if (cancelled && exception is OperationCanceledException)
        {
            _result = Cancelled;
            return;
        }

        // The type only: a message may quote the database.
        _result = Failed;
        _activity?.SetTag(CheckpointVerificationMetrics.ErrorTypeTag, exception.GetType().FullName);
        _activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().FullName);
    }

    public void Dispose()
    {
        _metrics.RunDuration(_time.GetElapsedTime(_started), _result, _dbSystem);
        _activity?.SetTag(CheckpointVerificationMetrics.ResultTag, _result);
        _activity?.Dispose();
    }
}
