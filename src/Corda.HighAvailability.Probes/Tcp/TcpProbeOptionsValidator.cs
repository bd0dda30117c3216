using Corda.HighAvailability.Probes.Internal;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Probes.Tcp;

/// <summary>Refuses unusable <see cref="TcpProbeOptions"/> at start-up with messages that name the option.</summary>
internal sealed class TcpProbeOptionsValidator : IValidateOptions<TcpProbeOptions>
{
    private const string Prefix = nameof(TcpProbeOptions) + ".";

    public ValidateOptionsResult Validate(string? name, TcpProbeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        ProbeOptionChecks.Host(errors, Prefix + nameof(options.Host), options.Host);
        ProbeOptionChecks.Port(errors, Prefix + nameof(options.Port), options.Port);
        ProbeOptionChecks.Timeout(errors, Prefix + nameof(options.Timeout), options.Timeout);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
