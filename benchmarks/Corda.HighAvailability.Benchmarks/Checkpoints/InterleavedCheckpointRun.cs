using System.Diagnostics;
using System.Globalization;

namespace Corda.HighAvailability.Benchmarks.Checkpoints;

/// <summary>
/// The plain read and the verification alternately in one process on one server (read, verify, read, verify, ...),
/// each round giving its own ratio. BenchmarkDotNet measures each benchmark in its own process minutes apart, so on a
/// loaded machine its Ratio compares different minutes of load; adjacent pairs share nearly the same load.
/// </summary>
internal static class InterleavedCheckpointRun
{
    public static void Run(int rounds)
    {
        var benchmarks = new CheckpointVerificationBenchmarks { Flows = CheckpointVerificationBenchmarks.FlowCounts().Single() };
        benchmarks.Setup();
        try
        {
            var data = CheckpointBenchmarkData.For(benchmarks.Flows);

            // One unmeasured round: JIT, connection pool, OS page cache.
            benchmarks.PlainReadBlobTable().GetAwaiter().GetResult();
            benchmarks.Verify().GetAwaiter().GetResult();
            var ratios = new List<double>();
            for (var round = 1; round <= rounds; round++)
            {
                var read = Time(() => benchmarks.PlainReadBlobTable().GetAwaiter().GetResult());
                var verify = Time(() => benchmarks.Verify().GetAwaiter().GetResult());
                ratios.Add(verify / read);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round}: plain read {read:F2} s ({benchmarks.Flows / read:N0} flows/s, {data.BlobTableBytes / 1e6 / read:N0} MB/s), " +
                    $"verify {verify:F2} s ({benchmarks.Flows / verify:N0} flows/s, {data.AllBlobBytes / 1e6 / verify:N0} MB/s), ratio {verify / read:F3}"));
            }

            ratios.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ratio verify/read over {rounds} rounds: median {ratios[ratios.Count / 2]:F3}, min {ratios[0]:F3}, max {ratios[^1]:F3}"));
        }
        finally
        {
            benchmarks.Cleanup();
        }
    }

    private static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }
}
