using System.Diagnostics;
using System.Diagnostics.Metrics;
using Corda.HighAvailability.Diagnostics;

namespace Corda.HighAvailability.Checkpoints.Telemetry;

/// <summary>Instruments of the flow hospital view, on the shared <c>Corda.HighAvailability</c> meter.</summary>
internal sealed class FlowHospitalMetrics
{
    public const string DurationName = "corda_ha.flow_hospital.query.duration";
    public const string FlowsName = "corda_ha.flow_hospital.flows";
    public const string QueryTag = "corda_ha.flow_hospital.query";
    public const string ResultTag = "corda_ha.flow_hospital.result";
    public const string DbSystemTag = "db.system";

    private readonly Histogram<double> _duration;
    private readonly Counter<long> _flows;

    public FlowHospitalMetrics(CordaHaInstrumentation instrumentation)
    {
        ArgumentNullException.ThrowIfNull(instrumentation);
        var meter = instrumentation.Meter;
        _duration = meter.CreateHistogram<double>(DurationName, "s", "Duration of flow hospital view queries, from opening the read-only session until the last row was consumed.");
        _flows = meter.CreateCounter<long>(FlowsName, "{flow}", "Flows returned by the flow hospital view's list and find queries.");
    }

    /// <summary>Starts timing one query; the duration is recorded when the timing is disposed.</summary>
    public QueryTiming Start(string query, string dbSystem) => new(this, query, dbSystem, Stopwatch.GetTimestamp());

    public void FlowsRead(long count, string query, string dbSystem)
    {
        if (count > 0)
        {
            _flows.Add(count, new(QueryTag, query), new(DbSystemTag, dbSystem));
        }
    }

    private void Record(TimeSpan elapsed, string query, string result, string dbSystem) =>
        _duration.Record(elapsed.TotalSeconds, new(QueryTag, query), new(ResultTag, result), new(DbSystemTag, dbSystem));

    /// <summary>One query's timing. Its result is <c>incomplete</c> (failed, or the caller stopped reading) unless set.</summary>
    internal sealed class QueryTiming(FlowHospitalMetrics metrics, string query, string dbSystem, long started) : IDisposable
    {
        public const string Completed = "completed";
        public const string Cancelled = "cancelled";
        public const string Incomplete = "incomplete";

        public string Result { get; set; } = Incomplete;

        /// <summary>Marks an unfinished query as cancelled when its token was the reason.</summary>
        public void CancelledIf(CancellationToken cancellationToken)
        {
            if (Result != Completed && cancellationToken.IsCancellationRequested)
            {
                Result = Cancelled;
            }
        }

        public void Dispose() => metrics.Record(Stopwatch.GetElapsedTime(started), query, Result, dbSystem);
    }
}
