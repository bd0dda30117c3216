using Corda.HighAvailability.Probes.Internal;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Rpc.Grpc.Health;

/// <summary>
/// Refuses unusable <see cref="GrpcHealthProbeOptions"/> at start-up with messages that name the option. An address
/// is quoted without its user information; certificates by subject and thumbprint only.
/// </summary>
internal sealed class GrpcHealthProbeOptionsValidator(TimeProvider timeProvider) : IValidateOptions<GrpcHealthProbeOptions>
{
    private const string Prefix = nameof(GrpcHealthProbeOptions) + ".";

    public ValidateOptionsResult Validate(string? name, GrpcHealthProbeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        CheckAddress(errors, options);
        if (options.Service is null)
        {
            errors.Add($"{Prefix}{nameof(options.Service)} must not be null (the empty string is the server's overall health).");
        }
        else if (options.Service.Any(char.IsControl))
        {
            errors.Add($"{Prefix}{nameof(options.Service)} must be a service name (was '{ProbeOptionChecks.Printable(options.Service)}').");
        }

        ProbeOptionChecks.Timeout(errors, Prefix + nameof(options.Timeout), options.Timeout);
        GrpcRpcTransportOptionsValidator.CheckCertificates(errors, Prefix, options.ClientCertificate, options.TrustedCertificateAuthorities, timeProvider.GetUtcNow());
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckAddress(List<string> errors, GrpcHealthProbeOptions options)
    {
        const string option = Prefix + nameof(GrpcHealthProbeOptions.Address);
        if (options.Address is not { } address)
        {
            errors.Add($"{option} is required (http://host:port or https://host:port).");
            return;
        }

        if (!address.IsAbsoluteUri || string.IsNullOrEmpty(address.Host))
        {
            errors.Add($"{option} must be an absolute http:// or https:// address with a host (was '{ProbeOptionChecks.Printable(address.OriginalString)}').");
            return;
        }

        var display = GrpcHealthProbeOptions.Display(address);
        var https = string.Equals(address.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase);
        if (!https && !string.Equals(address.Scheme, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{option} must be http:// or https:// (was {display}).");
        }

        if (address.UserInfo.Length > 0)
        {
            // Not quoted: it may hold a password.
            errors.Add($"{option} must not carry user information (user:password@), which gRPC does not use ({display}).");
        }

        if (!https && options.HasTlsSettings)
        {
            errors.Add($"{option} is {display}, but {Prefix}{nameof(GrpcHealthProbeOptions.TrustedCertificateAuthorities)} or {Prefix}{nameof(GrpcHealthProbeOptions.ClientCertificate)} is set: TLS settings apply to https:// addresses only.");
        }
    }
}
