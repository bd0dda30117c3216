using System.Text.Json;

namespace Corda.HighAvailability.LeaseElection.Supervision;

// What the guard writes: lines to the supervisor, diagnostics, and the guard log.
internal sealed partial class GuardRuntime
{
    private void Forward(string stream, string? line, TaskCompletionSource ended)
    {
        if (line is null)
        {
            ended.TrySetResult();
            return;
        }

        Write(stream + " " + line);
    }

    private void Write(string line)
    {
        try
        {
            lock (_writeLock)
            {
                _output.WriteLine(line);
                _output.Flush();
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The supervisor is gone; the guard carries on.
        }
    }

    private void Diagnose(string message)
    {
        try
        {
            _diagnostics.WriteLine("corda-ha guard: " + message);
            _diagnostics.Flush();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // Nobody to tell.
        }
    }

    /// <summary>Appends an event to the guard log: the only record of a node's end that outlives the supervisor.</summary>
    private void Log(string name, int pid, long ns, int? code = null, string? reason = null)
    {
        if (_config.LogPath is not { Length: > 0 } path)
        {
            return;
        }

        var line = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["event"] = name,
            ["pid"] = pid,
            ["ns"] = ns,
            ["epoch"] = _config.Epoch,
            ["code"] = code,
            ["reason"] = reason,
            ["guard"] = Environment.ProcessId,
        });
        try
        {
            File.AppendAllText(path, line + "\n", NoBom);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Diagnose($"could not write the guard log ({ex.Message}).");
        }
    }
}
