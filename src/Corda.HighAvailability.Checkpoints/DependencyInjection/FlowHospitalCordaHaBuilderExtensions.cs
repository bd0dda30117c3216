using Corda.HighAvailability;
using Corda.HighAvailability.Checkpoints;
using Corda.HighAvailability.Checkpoints.Flows;
using Corda.HighAvailability.Checkpoints.Reading;
using Corda.HighAvailability.Checkpoints.Telemetry;
using Corda.HighAvailability.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the flow hospital view to <c>services.AddCordaHa(...)</c>.</summary>
public static class FlowHospitalCordaHaBuilderExtensions
{
    /// <summary>
    /// Adds an <see cref="IFlowHospitalReader"/>. Choose the database with <c>UsePostgreSql</c> or <c>UseSqlServer</c> on
    /// the result (the same database the checkpoint verifier reads, when both are added). Options are validated when
    /// the host starts.
    /// </summary>
    /// <param name="builder">The Corda HA builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>A builder for the database.</returns>
    public static CheckpointVerificationBuilder AddFlowHospitalView(this ICordaHaBuilder builder, Action<FlowHospitalOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<FlowHospitalOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FlowHospitalOptions>, FlowHospitalOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CordaHaInstrumentation>();
        services.TryAddSingleton<FlowHospitalMetrics>();
        services.TryAddSingleton<IFlowHospitalReader, FlowHospitalReader>();
        services.TryAddSingleton<CheckpointDatabase>(_ => throw new InvalidOperationException(
            "The flow hospital view has no database: call UsePostgreSql(...), UseSqlServer(...) or UseDatabase(...) on the builder returned by AddFlowHospitalView()."));
        return new CheckpointVerificationBuilder(services);
    }
}
