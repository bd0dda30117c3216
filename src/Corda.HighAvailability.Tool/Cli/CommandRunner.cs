using System.Data.Common;

namespace Corda.HighAvailability.Tool.Cli;

/// <summary>
/// Runs a command body and turns every failure into one line on stderr plus an exit code: operators read the
/// message, scripts read the code, and nobody gets a stack trace.
/// </summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(Func<Task<int>> body, string? connectionString = null)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (ToolException ex)
        {
            return Fail(ex.ExitCode, ex.Message, connectionString);
        }
        catch (OperationCanceledException)
        {
            return Fail(ExitCodes.Cancelled, "Cancelled.", connectionString);
        }
        catch (DbException ex)
        {
            return Fail(ExitCodes.UsageOrConnection, $"Database error: {ex.Message}", connectionString);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or TimeoutException or ArgumentException)
        {
            // Drivers report unreachable servers and unusable settings with these types.
            return Fail(ExitCodes.UsageOrConnection, $"{ex.Message}", connectionString);
        }
        catch (Exception ex)
        {
            return Fail(ExitCodes.UsageOrConnection, $"Unexpected error ({ex.GetType().Name}): {ex.Message}", connectionString);
        }
    }

    public static int Fail(int exitCode, string message, string? connectionString = null)
    {
        // One line: driver messages sometimes span several.
        var line = Secrets.Redact(message, connectionString).ReplaceLineEndings(" ").Trim();
        Console.Error.WriteLine($"corda-ha: {line}");
        return exitCode;
    }
}
