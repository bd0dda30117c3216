using System.Text;
using System.Text.Json;
using Corda.HighAvailability.Tool.Cli;

namespace Corda.HighAvailability.Tool.Drill;

/// <summary>
/// A candidate's report channel: one JSON object per line on stdout, stamped with the monotonic clock so the
/// orchestrator can compare times across processes. Logs go to stderr, so stdout carries nothing else.
/// </summary>
internal sealed class CandidateEventWriter
{
    private readonly object _sync = new();
    private readonly string _identity;

    public CandidateEventWriter(CandidateSettings settings) => _identity = settings.Identity;

    public void Leading(long epoch) => Write(CandidateEventNames.Leading, epoch);

    public void Observed(long epoch, string? holder) => Write(CandidateEventNames.Observed, epoch, w =>
    {
        if (holder is null)
        {
            w.WriteNull("holder");
        }
        else
        {
            w.WriteString("holder", holder);
        }
    });

    public void FirstWrite(long epoch) => Write(CandidateEventNames.FirstWrite, epoch);

    public void Stopped(long epoch, string kind) => Write(CandidateEventNames.Stopped, epoch, w => w.WriteString("kind", kind));

    /// <summary>The outcome of a write made on purpose with a token whose grant is gone: rejected, accepted or error.</summary>
    public void StaleWrite(long epoch, string outcome, string? detail) => Write(CandidateEventNames.StaleWrite, epoch, w =>
    {
        w.WriteBoolean("rejected", outcome == StaleWriteOutcomes.Rejected);
        w.WriteString("outcome", outcome);
        if (detail is not null)
        {
            w.WriteString("detail", detail);
        }
    });

    /// <summary>A write is in flight: inserted, not yet checked or committed; the drill pauses the process now.</summary>
    public void InFlightStarted(long epoch) => Write(CandidateEventNames.InFlightStarted, epoch);

    /// <summary>The outcome of the in-flight write once the process runs again: rejected (not committed) or accepted.</summary>
    public void InFlightWrite(long epoch, string outcome, string? detail) => Write(CandidateEventNames.InFlightWrite, epoch, w =>
    {
        w.WriteString("outcome", outcome);
        if (detail is not null)
        {
            w.WriteString("detail", detail);
        }
    });

    /// <summary>This process believed it led from <paramref name="firstNs"/> to <paramref name="lastNs"/> (first and last true samples).</summary>
    public void Belief(long epoch, long firstNs, long lastNs) => Write(CandidateEventNames.Belief, epoch, w =>
    {
        w.WriteNumber("from", firstNs);
        w.WriteNumber("to", lastNs);
    });

    /// <summary>The sampler saw a gap longer than the renew deadline (the process was stopped) and what IsLeader said next.</summary>
    public void PauseSeen(long epoch, double gapMs, bool claimedLeadership) => Write(CandidateEventNames.PauseSeen, epoch, w =>
    {
        w.WriteNumber("gapMs", gapMs);
        w.WriteBoolean("rejected", !claimedLeadership);
    });

    private void Write(string name, long epoch, Action<Utf8JsonWriter>? extra = null)
    {
        var t = MonotonicClock.NowNanoseconds();
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("event", name);
            writer.WriteNumber("epoch", epoch);
            writer.WriteNumber("t", t);
            writer.WriteString("candidate", _identity);
            extra?.Invoke(writer);
            writer.WriteEndObject();
        }

        var line = Encoding.UTF8.GetString(stream.ToArray());
        lock (_sync)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }
}
