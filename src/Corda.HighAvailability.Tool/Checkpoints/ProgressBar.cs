using System.Diagnostics;
using System.Globalization;
using Corda.HighAvailability.Checkpoints;

namespace Corda.HighAvailability.Tool.Checkpoints;

/// <summary>
/// A single-line progress bar on a terminal's stderr: flows checked (against the total when known), flows per second
/// and findings so far. The verifier reports from a background thread and may report often, so redraws are
/// serialized and throttled; the final report always draws. <see cref="Dispose"/> erases the line so that the
/// summary on stdout starts on a clean line.
/// </summary>
internal sealed class ProgressBar : IProgress<CheckpointVerificationProgress>, IDisposable
{
    private const int BarWidth = 20;
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);

    private readonly TextWriter _writer;
    private readonly long? _totalFlows;
    private readonly int _maxWidth;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Lock _gate = new();
    private long _lastDraw;
    private int _lastLength;
    private bool _closed;

    public ProgressBar(TextWriter writer, long? totalFlows)
    {
        _writer = writer;
        _totalFlows = totalFlows is > 0 ? totalFlows : null;
        _maxWidth = TerminalWidth() - 1;
    }

    public void Report(CheckpointVerificationProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();
            if (_closed || (!value.Completed && _lastLength > 0 && Stopwatch.GetElapsedTime(_lastDraw, now) < RedrawInterval))
            {
                return;
            }

            _lastDraw = now;
            Draw(Line(value, Stopwatch.GetElapsedTime(_started, now)));
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (!_closed && _lastLength > 0)
            {
                _writer.Write('\r' + new string(' ', _lastLength) + '\r');
                _writer.Flush();
            }

            _closed = true;
        }
    }

    private void Draw(string line)
    {
        if (line.Length > _maxWidth)
        {
            line = line[.._maxWidth];
        }

        // Pad over the previous, possibly longer, line instead of relying on terminal erase sequences.
        _writer.Write('\r' + line.PadRight(_lastLength));
        _writer.Flush();
        _lastLength = line.Length;
    }

    private string Line(CheckpointVerificationProgress progress, TimeSpan elapsed)
    {
        var culture = CultureInfo.InvariantCulture;
        var rate = elapsed.TotalSeconds > 0 ? progress.FlowsChecked / elapsed.TotalSeconds : 0;
        var tail = string.Create(culture, $"{rate:N0} flows/s  {progress.Findings:N0} findings");

        // The total is COUNT(*) of node_checkpoints; orphan rows in other tables can push the count past it.
        if (_totalFlows is not { } total || progress.FlowsChecked > total)
        {
            return string.Create(culture, $"Verifying: {progress.FlowsChecked:N0} flows  {tail}");
        }

        var fraction = (double)progress.FlowsChecked / total;
        var filled = (int)Math.Round(fraction * BarWidth);
        return string.Create(culture, $"[{new string('#', filled)}{new string('-', BarWidth - filled)}] {fraction * 100,3:0}%  {progress.FlowsChecked:N0}/{total:N0} flows  {tail}");
    }

    private static int TerminalWidth()
    {
        try
        {
            return Console.WindowWidth is > 20 and var width ? width : 80;
        }
        catch (IOException)
        {
            return 80;
        }
        catch (PlatformNotSupportedException)
        {
            return 80;
        }
    }
}
