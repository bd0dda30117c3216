using Corda.HighAvailability.Checkpoints.Flows;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="FlowHospitalHealthCheck"/> in the Xabaril shape.</summary>
public static class FlowHospitalHealthCheckBuilderExtensions
{
    /// <summary>The default registration name.</summary>
    public const string DefaultName = "corda-flow-hospital";

    /// <summary>
    /// Adds a check that degrades when HOSPITALIZED or PAUSED flows exceed the thresholds or are too old. Requires
    /// <c>AddFlowHospitalView</c>. The options are named after the registration and validated when the host starts.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="configure">Sets the thresholds; <see langword="null"/> tolerates no hospitalized or paused flow at all.</param>
    /// <param name="name">Registration name, also the options name; default <c>corda-flow-hospital</c>.</param>
    /// <param name="failureStatus">Status reported over a threshold or when the tables cannot be read; default <see cref="HealthStatus.Degraded"/>.</param>
    /// <param name="tags">Tags, for example <c>operations</c>.</param>
    /// <param name="timeout">Check timeout.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddCordaFlowHospital(
        this IHealthChecksBuilder builder,
        Action<FlowHospitalHealthCheckOptions>? configure = null,
        string? name = default,
        HealthStatus? failureStatus = default,
        IEnumerable<string>? tags = default,
        TimeSpan? timeout = default)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var registrationName = name ?? DefaultName;
        builder.Services.AddOptions<FlowHospitalHealthCheckOptions>(registrationName).Configure(configure ?? (_ => { })).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FlowHospitalHealthCheckOptions>, FlowHospitalHealthCheckOptionsValidator>());
        return builder.Add(new HealthCheckRegistration(
            registrationName,
            sp => new FlowHospitalHealthCheck(
                sp.GetRequiredService<IFlowHospitalReader>(),
                sp.GetRequiredService<IOptionsMonitor<FlowHospitalHealthCheckOptions>>().Get(registrationName)),
            failureStatus ?? HealthStatus.Degraded,
            tags,
            timeout));
    }
}
