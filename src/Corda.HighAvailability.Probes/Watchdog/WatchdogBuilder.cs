using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Corda.HighAvailability.Probes.Watchdog;

/// <summary>
/// Adds work probes to the watchdog: real work (for example a no-op flow started through RPC) that is run, timed and
/// judged every period exactly as the watched health checks are.
/// </summary>
public sealed class WatchdogBuilder
{
    internal WatchdogBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection being configured.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Adds a work probe resolved from a new scope on each run (register <typeparamref name="TProbe"/> yourself, or it is added as transient).</summary>
    /// <typeparam name="TProbe">The probe type.</typeparam>
    /// <param name="name">The probe's name in the verdict, metrics and logs; unique among the watched probes.</param>
    /// <returns>This builder.</returns>
    public WatchdogBuilder AddWorkProbe<TProbe>(string name)
        where TProbe : class, IWorkProbe
    {
        Services.TryAddTransient<TProbe>();
        return AddWorkProbe(name, (services, cancellationToken) => services.GetRequiredService<TProbe>().ProbeAsync(cancellationToken));
    }

    /// <summary>Adds a work probe given as a delegate, called with a new scope's services on each run.</summary>
    /// <param name="name">The probe's name in the verdict, metrics and logs; unique among the watched probes.</param>
    /// <param name="probe">The work; it succeeds by returning, fails by throwing, and should honour its cancellation token.</param>
    /// <returns>This builder.</returns>
    public WatchdogBuilder AddWorkProbe(string name, Func<IServiceProvider, CancellationToken, ValueTask> probe)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(probe);
        if (name.Any(char.IsControl))
        {
            throw new ArgumentException("A work probe's name must not contain control characters.", nameof(name));
        }

        Services.AddSingleton(new WorkProbeRegistration(name, probe));
        return this;
    }
}
