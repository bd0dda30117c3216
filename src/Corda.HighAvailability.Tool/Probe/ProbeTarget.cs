using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Corda.HighAvailability.Tool.Probe;

/// <summary>
/// One check of the command line (<c>tcp:node1:10002</c>, ...), built once and run every round, so that a check that
/// keeps a connection (AMQP) reuses it across rounds, as it does in a host.
/// </summary>
internal sealed class ProbeTarget : IAsyncDisposable
{
    private readonly IHealthCheck _check;
    private readonly HealthCheckContext _context;
    private readonly TimeSpan _deadline;

    /// <param name="name">The name printed, already redacted.</param>
    /// <param name="check">The health check; disposed with this target if it is disposable.</param>
    /// <param name="timeout">The check's own timeout: the check reports it; the target only guards against a check that overruns it.</param>
    public ProbeTarget(string name, IHealthCheck check, TimeSpan timeout)
    {
        Name = name;
        _check = check;
        _context = new HealthCheckContext { Registration = new HealthCheckRegistration(name, check, HealthStatus.Unhealthy, tags: null) };

        // Checks report their own timeouts with the reason; the grace lets them, and catches one that hangs anyway.
        _deadline = timeout + TimeSpan.FromSeconds(2);
    }

    public string Name { get; }

    public async Task<ProbeOutcome> RunAsync(ProbeRedactor redactor, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        HealthCheckResult result;
        try
        {
            result = await _check.CheckHealthAsync(_context, cancellationToken).WaitAsync(_deadline, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            result = HealthCheckResult.Unhealthy(string.Create(
                CultureInfo.InvariantCulture, $"The check did not return within {_deadline.TotalSeconds:0.###} s (its timeout plus 2 s)."));
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A check that throws is a check that failed: report it like one, not as a crash of the tool.
            result = HealthCheckResult.Unhealthy($"The check failed: {e.GetType().Name}: {e.Message}");
        }

        var duration = time.GetElapsedTime(started);
        var data = result.Data
            .Select(pair => new KeyValuePair<string, object>(pair.Key, Printable(pair.Value, redactor)))
            .ToList();
        return new ProbeOutcome(Name, result.Status, duration, redactor.Redact(result.Description ?? string.Empty), data);
    }

    /// <summary>Numbers and booleans as they are, lists as arrays of those, everything else as redacted text.</summary>
    private static object Printable(object? value, ProbeRedactor redactor) => value switch
    {
        null => string.Empty,
        string text => redactor.Redact(text),
        bool or byte or short or int or long or uint or ulong or float or double or decimal => value,
        System.Collections.IEnumerable items => items.Cast<object?>().Select(item => Printable(item, redactor)).ToArray(),
        _ => redactor.Redact(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty),
    };

    /// <summary>Closes what the check keeps open (the AMQP connection), asynchronously when the check can.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_check is IAsyncDisposable asynchronous)
        {
            await asynchronous.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            (_check as IDisposable)?.Dispose();
        }
    }
}
