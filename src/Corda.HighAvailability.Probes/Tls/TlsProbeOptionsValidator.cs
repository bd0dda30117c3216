using System.Security.Authentication;
using Corda.HighAvailability.Probes.Internal;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Probes.Tls;

/// <summary>Refuses unusable <see cref="TlsProbeOptions"/> at start-up with messages that name the option (never a password).</summary>
internal sealed class TlsProbeOptionsValidator : IValidateOptions<TlsProbeOptions>
{
    private const string Prefix = nameof(TlsProbeOptions) + ".";
    private const SslProtocols Known = SslProtocols.Tls12 | SslProtocols.Tls13
#pragma warning disable CS0618, SYSLIB0039 // Named only to refuse them with a clear message.
        | SslProtocols.Tls | SslProtocols.Tls11 | SslProtocols.Ssl2 | SslProtocols.Ssl3;
#pragma warning restore CS0618, SYSLIB0039

    public ValidateOptionsResult Validate(string? name, TlsProbeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        ProbeOptionChecks.Host(errors, Prefix + nameof(options.Host), options.Host);
        ProbeOptionChecks.Port(errors, Prefix + nameof(options.Port), options.Port);
        ProbeOptionChecks.Timeout(errors, Prefix + nameof(options.Timeout), options.Timeout);
        if (options.TargetHost is not null)
        {
            ProbeOptionChecks.Host(errors, Prefix + nameof(options.TargetHost), options.TargetHost);
        }

        if (options.ExpiryWarning < TimeSpan.Zero)
        {
            errors.Add($"{Prefix}{nameof(options.ExpiryWarning)} must not be negative (was {options.ExpiryWarning}).");
        }

        ProbeOptionChecks.Path(errors, Prefix + nameof(options.ClientCertificatePath), options.ClientCertificatePath);
        ProbeOptionChecks.Path(errors, Prefix + nameof(options.ClientCertificateKeyPath), options.ClientCertificateKeyPath);
        ProbeOptionChecks.Path(errors, Prefix + nameof(options.TrustedCaBundlePath), options.TrustedCaBundlePath);
        if (options.ClientCertificatePath is null && options.ClientCertificateKeyPath is not null)
        {
            errors.Add($"{Prefix}{nameof(options.ClientCertificateKeyPath)} is set but {Prefix}{nameof(options.ClientCertificatePath)} is not: set the certificate too.");
        }

        if (options.ClientCertificatePath is null && options.ClientCertificatePassword is not null)
        {
            errors.Add($"{Prefix}{nameof(options.ClientCertificatePassword)} is set but {Prefix}{nameof(options.ClientCertificatePath)} is not: set the certificate too.");
        }

        foreach (var pin in options.PinnedThumbprints)
        {
            if (Thumbprints.Normalize(pin) is null)
            {
                errors.Add($"{Prefix}{nameof(options.PinnedThumbprints)} must hold SHA-256 (64 hex digits) or SHA-1 (40 hex digits) thumbprints (was '{ProbeOptionChecks.Printable(pin)}').");
            }
        }

        if ((options.EnabledProtocols & ~Known) != 0)
        {
            errors.Add($"{Prefix}{nameof(options.EnabledProtocols)} has unknown flags (was {(int)options.EnabledProtocols}).");
        }
        else if ((options.EnabledProtocols & ~(SslProtocols.Tls12 | SslProtocols.Tls13)) != 0)
        {
            errors.Add($"{Prefix}{nameof(options.EnabledProtocols)} may offer only Tls12 and Tls13, or None for the system's choice (was {options.EnabledProtocols}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
