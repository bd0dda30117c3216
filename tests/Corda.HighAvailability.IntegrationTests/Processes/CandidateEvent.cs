using System.Text.Json;

namespace Corda.HighAvailability.IntegrationTests.Processes;

/// <summary>One JSON line a drill candidate printed.</summary>
internal sealed record CandidateEvent(string Name, long Epoch, long T, string? Kind, string? Outcome, bool? Rejected, string? Holder, long From = 0, long To = 0)
{
    public static CandidateEvent? TryParse(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            return new CandidateEvent(
                root.GetProperty("event").GetString()!,
                root.TryGetProperty("epoch", out var epoch) ? epoch.GetInt64() : 0,
                root.TryGetProperty("t", out var t) ? t.GetInt64() : 0,
                root.TryGetProperty("kind", out var kind) ? kind.GetString() : null,
                root.TryGetProperty("outcome", out var outcome) ? outcome.GetString() : null,
                root.TryGetProperty("rejected", out var rejected) ? rejected.GetBoolean() : null,
                root.TryGetProperty("holder", out var holder) && holder.ValueKind == JsonValueKind.String ? holder.GetString() : null,
                root.TryGetProperty("from", out var from) ? from.GetInt64() : 0,
                root.TryGetProperty("to", out var to) ? to.GetInt64() : 0);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }
}
