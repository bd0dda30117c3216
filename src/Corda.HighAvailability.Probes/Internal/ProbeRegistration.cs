using Corda.HighAvailability.Diagnostics;
using Corda.HighAvailability.Probes.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
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

    /// <summary>
    /// Registers a check that must live as long as the host: one instance per registration, a keyed singleton. The
    /// health check service asks the registration's factory for the check on every run and never disposes it, so a
    /// check that keeps a connection or a latency window lives in the container, which disposes it.
    /// </summary>
    public static IHealthChecksBuilder AddCheckPerRegistration<TCheck>(
        IHealthChecksBuilder builder,
        string name,
        Func<IServiceProvider, TCheck> create,
        HealthStatus? failureStatus,
        IEnumerable<string>? tags,
        TimeSpan? timeout)
        where TCheck : class, IHealthCheck
    {
        builder.Services.AddKeyedSingleton(name, (sp, _) => create(sp));
        return builder.Add(new HealthCheckRegistration(name, sp => sp.GetRequiredKeyedService<TCheck>(name), failureStatus, tags, timeout));
    }
}
