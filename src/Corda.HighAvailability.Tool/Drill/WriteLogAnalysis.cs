namespace Corda.HighAvailability.Tool.Drill;

/// <summary>
/// Checks the drill table for overlapping leaders. Rows come in true commit order (<c>commit_seq</c>, see
/// <see cref="DrillSql"/>), so a write inserted early and committed late is seen where it committed. A row is an overlap when
/// its epoch is lower than the highest epoch committed before it (an old leader wrote after a newer one had), or when
/// its epoch was already written by a different holder (two holders under one grant).
/// </summary>
internal sealed record WriteLogAnalysis(int Writes, int Epochs, int Overlaps, string? FirstOverlap)
{
    public static WriteLogAnalysis Analyze(IEnumerable<(long Seq, string Holder, long Epoch)> rows)
    {
        var writes = 0;
        var overlaps = 0;
        string? first = null;
        var highest = long.MinValue;
        var holders = new Dictionary<long, string>();
        foreach (var (seq, holder, epoch) in rows)
        {
            writes++;
            string? problem = null;
            if (epoch < highest)
            {
                problem = $"commit #{seq} by '{holder}' at epoch {epoch} committed after a write at epoch {highest}";
            }
            else if (holders.TryGetValue(epoch, out var owner) && !string.Equals(owner, holder, StringComparison.Ordinal))
            {
                problem = $"commit #{seq} by '{holder}' at epoch {epoch}, which belongs to '{owner}'";
            }

            if (problem is not null)
            {
                overlaps++;
                first ??= problem;
            }

            holders.TryAdd(epoch, holder);
            highest = Math.Max(highest, epoch);
        }

        return new WriteLogAnalysis(writes, holders.Count, overlaps, first);
    }
}
