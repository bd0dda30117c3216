using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Rpc.Grpc.Tls;

/// <summary>
/// Refuses, at start, a gRPC connection whose transport has TLS settings while one of its endpoints is not
/// <c>https://</c>: the settings would silently not apply to it (a cleartext link where mutual TLS was meant).
/// </summary>
internal sealed class TlsEndpointSchemeValidator(string name, IOptionsMonitor<GrpcRpcTransportOptions> transportOptions) : IValidateOptions<ResilientRpcOptions>
{
    public ValidateOptionsResult Validate(string? optionsName, ResilientRpcOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.Equals(optionsName, name, StringComparison.Ordinal) || !HasTlsSettings())
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = options.Endpoints
            .Where(e => e?.Address is { } address && !string.Equals(address.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase))
            .Select(e => $"RPC connection '{name}': ResilientRpcOptions.Endpoints '{e.Name}' is {e.Address!.Scheme}://, but GrpcRpcTransportOptions has TLS settings (ClientCertificate, TrustedCertificateAuthorities, ServerCertificateValidation or ConfigureSsl), which apply to https:// endpoints only.")
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private bool HasTlsSettings()
    {
        try
        {
            return transportOptions.Get(name).HasTlsSettings;
        }
        catch (OptionsValidationException)
        {
            // The transport's options are refused on their own account (and reported once, by their own validation).
            return false;
        }
    }
}
