using Corda.HighAvailability.Diagnostics;
using Corda.HighAvailability.Probes.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Probes.Internal;

/// <summary>What every probe registration adds: named, validated options and the shared clock and instruments.</summary>
internal static class ProbeRegistration
{
    public static void AddOptions<TOptions, TValidator>(IServiceCollection services, string name, Action<TOptions> configure)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>(name).Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        // As AddCordaHa does: keep a host's own TimeProvider (tests register FakeTimeProvider).
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CordaHaInstrumentation>();
        services.TryAddSingleton<ProbeMetrics>();
    }

    /// <summary>The options of registration <paramref name="name"/>; throws the validation error if they are unusable.</summary>
    public static TOptions Options<TOptions>(IServiceProvider services, string name)
        where TOptions : class => services.GetRequiredService<IOptionsMonitor<TOptions>>().Get(name);
}
