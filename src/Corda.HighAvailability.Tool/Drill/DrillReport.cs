using System.Globalization;
using System.Text.Json;
using Corda.HighAvailability.Tool.Cli;
using Corda.HighAvailability.Tool.Providers;

namespace Corda.HighAvailability.Tool.Drill;

/// <summary>Prints a drill's result: a summary for people, or one JSON object for scripts and tests.</summary>
internal static class DrillReport
{
    public static void WriteTimelineEntry(TimelineEntry entry) =>
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{entry.At.TotalSeconds,8:0.000}s] {entry.Candidate,-13} {entry.What}"));

    public static void WriteHeader(DrillSettings settings)
    {
        var d = settings.LeaseDuration;
        Console.Out.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"corda-ha drill: {ProviderTable.Get(settings.Provider).Name}{(settings.TemporaryDatabase ? " (temporary database)" : string.Empty)}, lease {Ms(d)} ms (renew deadline {Ms(DrillTimings.RenewDeadline(d))} ms, renew every {Ms(DrillTimings.RetryPeriod(d))} ms), {settings.Candidates} candidates, {settings.Kills} kills + 1 pause"));
    }

    public static void WriteText(DrillResult result)
    {
        var d = result.Settings.LeaseDuration.TotalMilliseconds;
        var output = Console.Out;
        output.WriteLine();
        output.WriteLine("Failovers (signal to the new leader's first fenced write):");
        foreach (var f in result.Failovers)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  round {f.Round}  {Failover.KindName(f.Kind),-8} {f.Milliseconds,7:0} ms  ({f.Milliseconds / d:0.00} x lease)  {f.From}@{f.FromEpoch} -> {f.To}@{f.ToEpoch}"));
        }

        output.WriteLine();
        output.WriteLine("Summary:");
        foreach (var kind in Enum.GetValues<FailoverKind>())
        {
            var samples = Samples(result, kind);
            if (samples.Count == 0)
            {
                continue;
            }

            var median = Percentiles.Median(samples);
            var p95 = Percentiles.Of(samples, 95);
            output.WriteLine(samples.Count == 1
                ? string.Create(CultureInfo.InvariantCulture, $"  {Failover.KindName(kind),-8} n=1  {median:0} ms ({median / d:0.00} x lease)")
                : string.Create(CultureInfo.InvariantCulture, $"  {Failover.KindName(kind),-8} n={samples.Count}  median {median:0} ms ({median / d:0.00} x lease), p95 {p95:0} ms ({p95 / d:0.00} x lease)"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  fenced writes: {result.Writes.Writes} in {result.Writes.Epochs} epochs; overlaps: {result.Writes.Overlaps}{(result.Writes.FirstOverlap is { } first ? $" (first: {first})" : string.Empty)}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  stale writes rejected: {result.StaleWritesRejected}, accepted: {result.StaleWritesAccepted}{(result.StaleWritesNotApplicable > 0 ? $", not applicable: {result.StaleWritesNotApplicable}" : string.Empty)}{(result.StaleWriteErrors > 0 ? $", errors: {result.StaleWriteErrors}" : string.Empty)}"));
        foreach (var w in result.StaleWrites.Where(w => w.Reason is not null))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {w.Outcome} ({w.Candidate}, epoch {w.Epoch}): {w.Reason}"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  elapsed: {result.Elapsed.TotalSeconds:0.0} s"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  in-flight writes across a takeover not committed: {result.InFlightWritesRejected}, committed: {result.InFlightWritesAccepted}"));
        output.WriteLine(result.Safe ? "Result: OK (no overlap in commit order, every stale and in-flight write fenced)" : "Result: SAFETY VIOLATION");
    }

    public static void WriteJson(DrillResult result) => JsonOutput.Write(w =>
    {
        var settings = result.Settings;
        var d = settings.LeaseDuration.TotalMilliseconds;
        w.WriteString("provider", ProviderTable.Get(settings.Provider).Name);
        w.WriteBoolean("temporaryDatabase", settings.TemporaryDatabase);
        w.WriteString("lease", settings.LeaseName);
        w.WriteNumber("leaseDurationMs", Ms(settings.LeaseDuration));
        w.WriteNumber("renewDeadlineMs", Ms(DrillTimings.RenewDeadline(settings.LeaseDuration)));
        w.WriteNumber("retryPeriodMs", Ms(DrillTimings.RetryPeriod(settings.LeaseDuration)));
        w.WriteNumber("candidates", settings.Candidates);
        w.WriteNumber("kills", settings.Kills);
        w.WriteStartArray("failovers");
        foreach (var f in result.Failovers)
        {
            w.WriteStartObject();
            w.WriteNumber("round", f.Round);
            w.WriteString("kind", Failover.KindName(f.Kind));
            w.WriteNumber("ms", Math.Round(f.Milliseconds, 1));
            w.WriteNumber("ratio", Math.Round(f.Milliseconds / d, 3));
            w.WriteString("from", f.From);
            w.WriteNumber("fromEpoch", f.FromEpoch);
            w.WriteString("to", f.To);
            w.WriteNumber("toEpoch", f.ToEpoch);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartObject("summary");
        foreach (var kind in Enum.GetValues<FailoverKind>())
        {
            var samples = Samples(result, kind);
            if (samples.Count == 0)
            {
                continue;
            }

            w.WriteStartObject(Failover.KindName(kind));
            w.WriteNumber("count", samples.Count);
            w.WriteNumber("medianMs", Math.Round(Percentiles.Median(samples), 1));
            w.WriteNumber("p95Ms", Math.Round(Percentiles.Of(samples, 95), 1));
            w.WriteNumber("medianRatio", Math.Round(Percentiles.Median(samples) / d, 3));
            w.WriteNumber("p95Ratio", Math.Round(Percentiles.Of(samples, 95) / d, 3));
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteNumber("writes", result.Writes.Writes);
        w.WriteNumber("epochs", result.Writes.Epochs);
        w.WriteNumber("overlaps", result.Writes.Overlaps);
        w.WriteStringOrNull("firstOverlap", result.Writes.FirstOverlap);
        w.WriteNumber("staleWritesRejected", result.StaleWritesRejected);
        w.WriteNumber("staleWritesAccepted", result.StaleWritesAccepted);
        w.WriteNumber("staleWriteErrors", result.StaleWriteErrors);
        w.WriteNumber("staleWritesNotApplicable", result.StaleWritesNotApplicable);
        w.WriteStartArray("staleWrites");
        foreach (var staleWrite in result.StaleWrites)
        {
            w.WriteStartObject();
            w.WriteString("candidate", staleWrite.Candidate);
            w.WriteNumber("epoch", staleWrite.Epoch);
            w.WriteString("outcome", staleWrite.Outcome);
            w.WriteStringOrNull("reason", staleWrite.Reason);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteNumber("inFlightWritesRejected", result.InFlightWritesRejected);
        w.WriteNumber("inFlightWritesAccepted", result.InFlightWritesAccepted);
        w.WriteBoolean("ok", result.Safe);
        w.WriteNumber("elapsedMs", (long)result.Elapsed.TotalMilliseconds);
        w.WriteStartArray("timeline");
        foreach (var entry in result.Timeline)
        {
            w.WriteStartObject();
            w.WriteNumber("atMs", Math.Round(entry.At.TotalMilliseconds, 1));
            w.WriteString("candidate", entry.Candidate);
            w.WriteString("what", entry.What);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    });

    private static List<double> Samples(DrillResult result, FailoverKind kind) =>
        result.Failovers.Where(f => f.Kind == kind).Select(f => f.Milliseconds).ToList();

    private static long Ms(TimeSpan value) => (long)Math.Round(value.TotalMilliseconds);
}
