using Corda.HighAvailability.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Probes.Watchdog;

/// <summary>What both entry points (<c>AddWatchdog</c>, <c>AddCordaWatchdog</c>) add, once: the watchdog, its loop, options and instruments.</summary>
internal static class WatchdogRegistration
{
    public static void AddCore(IServiceCollection services)
    {
        services.AddOptions<WatchdogOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WatchdogOptions>, WatchdogOptionsValidator>());
        // As AddCordaHa does: keep a host's own TimeProvider (tests register FakeTimeProvider).
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CordaHaInstrumentation>();
        services.TryAddSingleton<WatchdogMetrics>();
        services.TryAddSingleton<Watchdog>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WatchdogHostedService>());
    }
}
