using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Rpc.Grpc;

/// <summary>Refuses <see cref="GrpcRpcTransportOptions"/> that cannot work, naming the option.</summary>
public sealed class GrpcRpcTransportOptionsValidator : IValidateOptions<GrpcRpcTransportOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, GrpcRpcTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        CheckInterval(failures, nameof(GrpcRpcTransportOptions.KeepAlivePingDelay), options.KeepAlivePingDelay);
        CheckInterval(failures, nameof(GrpcRpcTransportOptions.KeepAlivePingTimeout), options.KeepAlivePingTimeout);
        CheckInterval(failures, nameof(GrpcRpcTransportOptions.ConnectTimeout), options.ConnectTimeout);
        if (options.MaxReceiveMessageSize is <= 0)
        {
            failures.Add($"{nameof(GrpcRpcTransportOptions)}.{nameof(GrpcRpcTransportOptions.MaxReceiveMessageSize)} must be positive or null, not {options.MaxReceiveMessageSize}.");
        }

        if (!Enum.IsDefined(options.HealthWatch))
        {
            failures.Add($"{nameof(GrpcRpcTransportOptions)}.{nameof(GrpcRpcTransportOptions.HealthWatch)} must be Off, WhenAvailable or Required, not {options.HealthWatch}.");
        }

        if (options.HealthService is null)
        {
            failures.Add($"{nameof(GrpcRpcTransportOptions)}.{nameof(GrpcRpcTransportOptions.HealthService)} must not be null (the empty string is the server's overall health).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckInterval(List<string> failures, string option, TimeSpan value)
    {
        if (value <= TimeSpan.Zero || value > GrpcRpcTransportOptions.MaxInterval)
        {
            failures.Add($"{nameof(GrpcRpcTransportOptions)}.{option} must be positive and at most {GrpcRpcTransportOptions.MaxInterval}, not {value}.");
        }
    }
}
