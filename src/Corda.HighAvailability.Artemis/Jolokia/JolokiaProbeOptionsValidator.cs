using System.Globalization;
using Corda.HighAvailability.Probes.Internal;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Artemis.Jolokia;

/// <summary>Refuses unusable <see cref="JolokiaProbeOptions"/> at start-up with messages that name the option (never the password).</summary>
internal sealed class JolokiaProbeOptionsValidator : IValidateOptions<JolokiaProbeOptions>
{
    private const string Prefix = nameof(JolokiaProbeOptions) + ".";

    public ValidateOptionsResult Validate(string? name, JolokiaProbeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        Endpoint(errors, options.Endpoint);
        if (options.UserName is not null && (options.UserName.Length == 0 || options.UserName.Contains(':', StringComparison.Ordinal) || options.UserName.Any(char.IsControl)))
        {
            // Basic authentication joins user and password with a colon; the user name cannot hold one.
            errors.Add($"{Prefix}{nameof(options.UserName)} must be non-empty, without ':' or control characters (was '{ProbeOptionChecks.Printable(options.UserName)}').");
        }

        if (options.Password is not null && options.UserName is null)
        {
            errors.Add($"{Prefix}{nameof(options.Password)} is set but {Prefix}{nameof(options.UserName)} is not: set the user too.");
        }

        if (options.Password is not null && options.Password.Any(char.IsControl))
        {
            errors.Add($"{Prefix}{nameof(options.Password)} must not contain control characters.");
        }

        if (options.Origin is not null && !JolokiaRequest.IsOrigin(options.Origin))
        {
            errors.Add($"{Prefix}{nameof(options.Origin)} must be an origin, scheme://host[:port] without a path (was '{ProbeOptionChecks.Printable(options.Origin)}').");
        }

        if (options.BrokerName is not null && (string.IsNullOrWhiteSpace(options.BrokerName) || options.BrokerName.Any(char.IsControl)))
        {
            errors.Add($"{Prefix}{nameof(options.BrokerName)} must be a broker name or null to find it (was '{ProbeOptionChecks.Printable(options.BrokerName)}').");
        }

        Thresholds(errors, nameof(options.MemoryWarningPercent), options.MemoryWarningPercent, nameof(options.MemoryCriticalPercent), options.MemoryCriticalPercent);
        Thresholds(errors, nameof(options.DiskWarningPercent), options.DiskWarningPercent, nameof(options.DiskCriticalPercent), options.DiskCriticalPercent);
        foreach (var (prefix, threshold) in options.QueueThresholds)
        {
            if (string.IsNullOrEmpty(prefix) || prefix.Any(char.IsControl))
            {
                errors.Add($"{Prefix}{nameof(options.QueueThresholds)} has a prefix that is empty or holds control characters (was '{ProbeOptionChecks.Printable(prefix ?? string.Empty)}').");
            }

            if (threshold < 0)
            {
                errors.Add($"{Prefix}{nameof(options.QueueThresholds)}['{ProbeOptionChecks.Printable(prefix ?? string.Empty)}'] must not be negative (was {threshold}).");
            }
        }

        ProbeOptionChecks.Timeout(errors, Prefix + nameof(options.Timeout), options.Timeout);
        ProbeOptionChecks.Path(errors, Prefix + nameof(options.TrustedCaBundlePath), options.TrustedCaBundlePath);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Endpoint(List<string> errors, Uri? endpoint)
    {
        const string option = Prefix + nameof(JolokiaProbeOptions.Endpoint);
        if (endpoint is null)
        {
            errors.Add($"{option} is required (for example http://host:8161/console/jolokia).");
        }
        else if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{option} must be an absolute http or https URL (was '{ProbeOptionChecks.Printable(JolokiaRequest.Redacted(endpoint))}').");
        }
        else if (!string.IsNullOrEmpty(endpoint.UserInfo))
        {
            // Never echo the credentials: they would end up in start-up logs.
            errors.Add($"{option} must not hold credentials ({JolokiaRequest.Redacted(endpoint)}): set {Prefix}{nameof(JolokiaProbeOptions.UserName)} and {Prefix}{nameof(JolokiaProbeOptions.Password)}.");
        }
        else if (!string.IsNullOrEmpty(endpoint.Query) || !string.IsNullOrEmpty(endpoint.Fragment))
        {
            errors.Add($"{option} must not have a query or fragment (was '{ProbeOptionChecks.Printable(endpoint.ToString())}').");
        }
    }

    private static void Thresholds(List<string> errors, string warningName, double warning, string criticalName, double critical)
    {
        if (!double.IsFinite(warning) || warning <= 0 || warning > 100)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{Prefix}{warningName} must be more than 0 and at most 100 (was {warning})."));
        }

        if (!double.IsFinite(critical) || critical <= 0 || critical > 100)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{Prefix}{criticalName} must be more than 0 and at most 100 (was {critical})."));
        }
        else if (critical < warning)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{Prefix}{criticalName} must not be below {Prefix}{warningName} (was {critical} < {warning})."));
        }
    }
}
