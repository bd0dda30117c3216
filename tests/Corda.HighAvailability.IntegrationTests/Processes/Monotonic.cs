using System.Diagnostics;

namespace Corda.HighAvailability.IntegrationTests.Processes;

/// <summary>The clock the candidates stamp their events with (CLOCK_MONOTONIC, shared by every process on the host).</summary>
internal static class Monotonic
{
    public static long NowNs() => Stopwatch.Frequency == 1_000_000_000
        ? Stopwatch.GetTimestamp()
        : (long)((Int128)Stopwatch.GetTimestamp() * 1_000_000_000 / Stopwatch.Frequency);

    public static double Ms(long fromNs, long toNs) => (toNs - fromNs) / 1e6;
}
