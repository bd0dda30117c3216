using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Corda.Samples.RestGateway.Node;

/// <summary>Refuses unusable <see cref="NodeRpcSettings"/> when the host starts, naming the setting.</summary>
public sealed partial class NodeRpcSettingsValidator : IValidateOptions<NodeRpcSettings>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, NodeRpcSettings options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string s = NodeRpcSettings.Section;
        if (options.Endpoints.Count == 0)
        {
            failures.Add($"{s}:Endpoints must list at least one endpoint (the node's RPC proxy).");
        }

        for (var i = 0; i < options.Endpoints.Count; i++)
        {
            var endpoint = options.Endpoints[i];
            if (!EndpointName().IsMatch(endpoint.Name))
            {
                failures.Add($"{s}:Endpoints:{i}:Name must be 1-64 letters, digits, '.', '_' or '-'.");
            }

            // The address is echoed only when it cannot hold a secret: a malformed one might be a password.
            if (!Uri.TryCreate(endpoint.Address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"{s}:Endpoints:{i}:Address must be an absolute http:// or https:// address.");
            }
            else if (!string.IsNullOrEmpty(uri.UserInfo))
            {
                failures.Add($"{s}:Endpoints:{i}:Address must not carry credentials; set {s}:ApiKey instead.");
            }
            else if (options.Tls.IsSet && uri.Scheme != Uri.UriSchemeHttps)
            {
                failures.Add($"{s}:Endpoints:{i}:Address must be https:// when {s}:Tls is set (TLS settings would not apply to it).");
            }
        }

        ValidateTls(options.Tls, failures);

        var r = options.Reconnect;
        if (r.Delays.Any(d => d < TimeSpan.Zero))
        {
            failures.Add($"{s}:Reconnect:Delays must not be negative.");
        }

        if (r.Delays.Count == 0)
        {
            if (r.InitialDelay <= TimeSpan.Zero)
            {
                failures.Add($"{s}:Reconnect:InitialDelay must be positive.");
            }

            if (!(r.Multiplier >= 1 && double.IsFinite(r.Multiplier)))
            {
                failures.Add($"{s}:Reconnect:Multiplier must be a finite number of at least 1.");
            }

            if (!(r.Jitter is >= 0 and < 1))
            {
                failures.Add($"{s}:Reconnect:Jitter must be at least 0 and below 1.");
            }

            if (r.MaxDelay < r.InitialDelay)
            {
                failures.Add($"{s}:Reconnect:MaxDelay must not be below InitialDelay.");
            }
        }

        if (options.WaitForConnection < TimeSpan.Zero || options.WaitForConnection > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{s}:WaitForConnection must be between 0 and 1 minute (an HTTP caller waiting longer has given up).");
        }

        if (options.ConnectTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{s}:ConnectTimeout must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // The files are loaded here, so that a missing file, an unreadable certificate or a key of another certificate
    // stops the start with the setting's name, rather than failing every connection attempt later.
    private static void ValidateTls(NodeTlsSettings tls, List<string> failures)
    {
        if (!string.IsNullOrEmpty(tls.CaCertificateFile))
        {
            Try(failures, () => TlsFiles.LoadAuthorities(NodeTls.CaCertificateFile, tls.CaCertificateFile).Count);
        }

        var hasCertificate = !string.IsNullOrEmpty(tls.ClientCertificateFile);
        var hasKey = !string.IsNullOrEmpty(tls.ClientKeyFile);
        if (hasCertificate != hasKey)
        {
            failures.Add(hasCertificate
                ? $"{NodeTls.ClientKeyFile} must be set with {NodeTls.ClientCertificateFile} (the certificate's private key, PEM)."
                : $"{NodeTls.ClientCertificateFile} must be set with {NodeTls.ClientKeyFile} (the key's certificate, PEM).");
        }
        else if (hasCertificate)
        {
            Try(failures, () =>
            {
                using var certificate = TlsFiles.LoadClientCertificate(NodeTls.ClientCertificateFile, tls.ClientCertificateFile!, NodeTls.ClientKeyFile, tls.ClientKeyFile!);
                return 1;
            });
        }
    }

    private static void Try(List<string> failures, Func<int> load)
    {
        try
        {
            load();
        }
        catch (TlsFileException e)
        {
            failures.Add(e.Message);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex EndpointName();
}
