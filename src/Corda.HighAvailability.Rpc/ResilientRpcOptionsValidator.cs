using System.Globalization;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Rpc;

/// <summary>Refuses unusable <see cref="ResilientRpcOptions"/> at start-up with messages that name the option.</summary>
internal sealed class ResilientRpcOptionsValidator : IValidateOptions<ResilientRpcOptions>
{
    public const int MaxEndpointNameLength = 128;
    private const string Prefix = nameof(ResilientRpcOptions) + ".";

    public ValidateOptionsResult Validate(string? name, ResilientRpcOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var scope = string.IsNullOrEmpty(name) ? string.Empty : $"RPC connection '{Printable(name)}': ";
        CheckEndpoints(errors, scope, options);

        if (options.ReconnectPolicy is null)
        {
            errors.Add($"{scope}{Prefix}{nameof(options.ReconnectPolicy)} is required.");
        }

        if (options.EndpointSelector is null)
        {
            errors.Add($"{scope}{Prefix}{nameof(options.EndpointSelector)} is required.");
        }

        if (options.ConnectTimeout <= TimeSpan.Zero || options.ConnectTimeout > ResilientRpcOptions.MaxConnectTimeout)
        {
            errors.Add($"{scope}{Prefix}{nameof(options.ConnectTimeout)} must be positive and at most {ResilientRpcOptions.MaxConnectTimeout} (was {options.ConnectTimeout}).");
        }

        if (options.DefaultWaitForConnection < TimeSpan.Zero || options.DefaultWaitForConnection > ResilientRpcOptions.MaxWaitForConnection)
        {
            errors.Add($"{scope}{Prefix}{nameof(options.DefaultWaitForConnection)} must be between 0 (fail fast) and {ResilientRpcOptions.MaxWaitForConnection} (was {options.DefaultWaitForConnection}).");
        }

        Range(errors, scope, nameof(options.MaxWaitingCalls), options.MaxWaitingCalls, 0, 1_000_000);
        Range(errors, scope, nameof(options.MaxCallAttempts), options.MaxCallAttempts, 1, 100);
        Range(errors, scope, nameof(options.EventBufferCapacity), options.EventBufferCapacity, 1, 100_000);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckEndpoints(List<string> errors, string scope, ResilientRpcOptions options)
    {
        if (options.Endpoints is not { Count: > 0 } endpoints)
        {
            errors.Add($"{scope}{Prefix}{nameof(options.Endpoints)} is required: at least one endpoint (name and address).");
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < endpoints.Count; i++)
        {
            var option = string.Create(CultureInfo.InvariantCulture, $"{scope}{Prefix}{nameof(options.Endpoints)}[{i}]");
            var endpoint = endpoints[i];
            if (endpoint is null)
            {
                errors.Add($"{option} is null.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(endpoint.Name))
            {
                errors.Add($"{option}.Name is required.");
            }
            else if (endpoint.Name.Length > MaxEndpointNameLength || endpoint.Name.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            {
                errors.Add($"{option}.Name must be at most {MaxEndpointNameLength} characters without spaces or control characters (was '{Printable(endpoint.Name)}').");
            }
            else if (!names.Add(endpoint.Name))
            {
                errors.Add($"{option}.Name '{endpoint.Name}' is used by another endpoint; names must be unique.");
            }

            if (endpoint.Address is null)
            {
                errors.Add($"{option}.Address is required.");
            }
            else if (!endpoint.Address.IsAbsoluteUri)
            {
                errors.Add($"{option}.Address must be an absolute URI (was '{Printable(endpoint.Address.OriginalString)}').");
            }
            else if (!string.IsNullOrEmpty(endpoint.Address.UserInfo))
            {
                // Quoting the address would print the credentials: name the problem only.
                errors.Add($"{option}.Address must not carry credentials (user info): they would be logged. Give them to the transport.");
            }
        }
    }

    private static void Range(List<string> errors, string scope, string option, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{scope}{Prefix}{option} must be {min}-{max} (was {value})."));
        }
    }

    private static string Printable(string value) =>
        string.Concat(value.Select(c => char.IsControl(c) ? string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}") : c.ToString()));
}
