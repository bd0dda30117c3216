using Microsoft.Extensions.DependencyInjection;

namespace Corda.HighAvailability;

/// <summary>
/// The builder handed to <c>services.AddCordaHa(ha =&gt; ...)</c>. Capability packages (lease election,
/// checkpoint verification, broker probes, RPC reconnection) add extension methods to it, so that one
/// call wires a whole node host or gateway.
/// </summary>
public interface ICordaHaBuilder
{
    /// <summary>The service collection the capabilities register into.</summary>
    IServiceCollection Services { get; }
}
