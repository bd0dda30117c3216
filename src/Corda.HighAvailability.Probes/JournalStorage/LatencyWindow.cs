namespace Corda.HighAvailability.Probes.JournalStorage;

/// <summary>The durations of the latest writes, and their percentiles by nearest rank. Thread-safe.</summary>
internal sealed class LatencyWindow
{
    private readonly object _gate = new();
    private readonly double[] _samples;
    private int _next;
    private int _count;

    public LatencyWindow(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _samples = new double[capacity];
    }

    public void Add(TimeSpan elapsed)
    {
        lock (_gate)
        {
            _samples[_next] = elapsed.TotalMilliseconds;
            _next = (_next + 1) % _samples.Length;
            _count = Math.Min(_count + 1, _samples.Length);
        }
    }

    public LatencySummary? Summarize()
    {
        double[] sorted;
        lock (_gate)
        {
            if (_count == 0)
            {
                return null;
            }

            sorted = _samples[.._count];
        }

        Array.Sort(sorted);
        return new LatencySummary(sorted.Length, Rank(sorted, 0.50), Rank(sorted, 0.99), sorted[^1]);
    }

    /// <summary>The nearest-rank percentile: the smallest sample at or above <paramref name="percentile"/> of them.</summary>
    private static double Rank(double[] sorted, double percentile) =>
        sorted[Math.Clamp((int)Math.Ceiling(percentile * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>Percentiles of the latest writes, in milliseconds.</summary>
internal sealed record LatencySummary(int Samples, double P50, double P99, double Max);
