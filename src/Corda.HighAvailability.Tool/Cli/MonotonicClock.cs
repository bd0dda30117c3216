using System.Diagnostics;

namespace Corda.HighAvailability.Tool.Cli;

/// <summary>
/// Nanoseconds of <see cref="Stopwatch"/> (CLOCK_MONOTONIC on Linux). The drill compares these across its candidate
/// processes, which is sound on one host: every process reads the same kernel clock.
/// </summary>
internal static class MonotonicClock
{
    public static long NowNanoseconds() => ToNanoseconds(Stopwatch.GetTimestamp());

    public static long ToNanoseconds(long timestamp) => Stopwatch.Frequency == 1_000_000_000
        ? timestamp
        : (long)((Int128)timestamp * 1_000_000_000 / Stopwatch.Frequency);
}
