using System.Diagnostics;
using System.Globalization;

namespace Corda.HighAvailability.Benchmarks.Amqp;

/// <summary>
/// Per-call latency percentiles of the raw round trip and the probe, alternately in one process against one broker
/// (raw, probe, raw, probe, ...), so both see the same load. BenchmarkDotNet's percentiles are of per-iteration means,
/// which hide the tail the goal ("probe p99 at most 2x the raw round trip") is about.
/// </summary>
internal static class InterleavedAmqpLatencyRun
{
    public static void Run(int calls) => RunAsync(calls).GetAwaiter().GetResult();

    private static async Task RunAsync(int calls)
    {
        var benchmarks = new AmqpProbeBenchmarks();
        await benchmarks.SetupAsync();
        try
        {
            // Unmeasured warm-up: JIT, the links' credit, the broker's queue processes.
            for (var i = 0; i < 200; i++)
            {
                await benchmarks.RawRoundTrip();
                await benchmarks.ProbeRoundTrip();
            }

            var raw = new double[calls];
            var probe = new double[calls];
            for (var i = 0; i < calls; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await benchmarks.RawRoundTrip();
                raw[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                start = Stopwatch.GetTimestamp();
                await benchmarks.ProbeRoundTrip();
                probe[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }

            Array.Sort(raw);
            Array.Sort(probe);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{calls} calls each, interleaved, µs:"));
            Console.WriteLine("| | p50 | p90 | p99 | max |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            Console.WriteLine(Row("raw AMQPNetLite round trip", raw));
            Console.WriteLine(Row("probe CheckHealthAsync", probe));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ratio probe/raw: p50 {At(probe, 0.50) / At(raw, 0.50):F2}, p99 {At(probe, 0.99) / At(raw, 0.99):F2}; " +
                $"probe connections opened over {calls + 201} probe calls: {benchmarks.ProbeConnectionsOpened}"));
        }
        finally
        {
            await benchmarks.CleanupAsync();
        }
    }

    private static string Row(string name, double[] sorted) => string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {At(sorted, 0.50):F0} | {At(sorted, 0.90):F0} | {At(sorted, 0.99):F0} | {sorted[^1]:F0} |");

    private static double At(double[] sorted, double quantile) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
}
