namespace Corda.HighAvailability.Probes.Watchdog;

/// <summary>
/// The latest runs of one probe, bounded by count and by age: whether each failed, and how long each that did not
/// fail took. Used from the watchdog's loop only.
/// </summary>
internal sealed class SampleWindow(int capacity, TimeSpan maxAge, TimeProvider time)
{
    private readonly Queue<Sample> _samples = new(Math.Min(capacity, 256));

    public void Add(long timestamp, RunResult run)
    {
        _samples.Enqueue(new Sample(timestamp, run.Elapsed.Ticks, run.Failed));
        while (_samples.Count > capacity)
        {
            _samples.Dequeue();
        }
    }

    /// <summary>Drops runs older than the window's age and summarises the rest.</summary>
    public WindowSummary Summarize(long now)
    {
        while (_samples.TryPeek(out var oldest) && time.GetElapsedTime(oldest.Timestamp, now) > maxAge)
        {
            _samples.Dequeue();
        }

        var failures = 0;
        var latencies = new List<long>(_samples.Count);
        foreach (var sample in _samples)
        {
            if (sample.Failed)
            {
                failures++;
            }
            else
            {
                latencies.Add(sample.Ticks);
            }
        }

        // Percentiles are of the runs that answered: a refused connection is fast and would hide a slow service,
        // and a timeout is already counted as a failure.
        latencies.Sort();
        return new WindowSummary(_samples.Count, failures, Rank(latencies, 0.50), Rank(latencies, 0.99));
    }

    /// <summary>The nearest-rank percentile: the smallest sample at or above <paramref name="percentile"/> of them.</summary>
    internal static TimeSpan? Rank(List<long> sorted, double percentile) =>
        sorted.Count == 0
            ? null
            : TimeSpan.FromTicks(sorted[Math.Clamp((int)Math.Ceiling(percentile * sorted.Count) - 1, 0, sorted.Count - 1)]);

    private readonly record struct Sample(long Timestamp, long Ticks, bool Failed);
}

/// <summary>What the window holds: runs, failed runs, and the median and p99 latency of the runs that answered.</summary>
internal readonly record struct WindowSummary(int Samples, int Failures, TimeSpan? P50, TimeSpan? P99)
{
    public double FailureRatio => Samples == 0 ? 0 : (double)Failures / Samples;
}
