using System.Text.Json;

namespace Corda.HighAvailability.Tool.Drill;

/// <summary>One event of one candidate, as read from its stdout (or synthesised when it exits).</summary>
internal sealed record DrillEvent(string Candidate, string Name, long Epoch, long TimeNs, string? Kind, string? Outcome, int? ExitCode)
{
    public static DrillEvent? TryParse(string candidate, string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("event", out var name) || name.GetString() is not { } eventName)
            {
                return null;
            }

            return new DrillEvent(
                candidate,
                eventName,
                root.TryGetProperty("epoch", out var epoch) ? epoch.GetInt64() : 0,
                root.TryGetProperty("t", out var t) ? t.GetInt64() : 0,
                root.TryGetProperty("kind", out var kind) ? kind.GetString() : null,
                root.TryGetProperty("outcome", out var outcome) ? outcome.GetString() : null,
                null);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
