using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Corda.HighAvailability.Rpc.Grpc;

/// <summary>
/// Refuses <see cref="GrpcRpcTransportOptions"/> that cannot work, naming the option. Certificates are named by
/// subject and thumbprint only: nothing of a private key ever goes into a message.
/// </summary>
public sealed class GrpcRpcTransportOptionsValidator : IValidateOptions<GrpcRpcTransportOptions>
{
    private const string Prefix = nameof(GrpcRpcTransportOptions) + ".";
    private readonly TimeProvider _time;

    /// <summary>Creates the validator on the system clock.</summary>
    public GrpcRpcTransportOptionsValidator()
        : this(TimeProvider.System)
    {
    }

    /// <summary>Creates the validator; certificate dates are judged on <paramref name="timeProvider"/>'s clock.</summary>
    /// <param name="timeProvider">The clock.</param>
    public GrpcRpcTransportOptionsValidator(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
    }

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
            failures.Add($"{Prefix}{nameof(GrpcRpcTransportOptions.MaxReceiveMessageSize)} must be positive or null, not {options.MaxReceiveMessageSize}.");
        }

        CheckTls(failures, options);
        if (!Enum.IsDefined(options.HealthWatch))
        {
            failures.Add($"{Prefix}{nameof(GrpcRpcTransportOptions.HealthWatch)} must be Off, WhenAvailable or Required, not {options.HealthWatch}.");
        }

        if (options.HealthService is null)
        {
            failures.Add($"{Prefix}{nameof(GrpcRpcTransportOptions.HealthService)} must not be null (the empty string is the server's overall health).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void CheckTls(List<string> failures, GrpcRpcTransportOptions options)
    {
        CheckCertificates(failures, Prefix, options.ClientCertificate, options.TrustedCertificateAuthorities, _time.GetUtcNow());
        if (options.TrustedCertificateAuthorities.Count > 0 && options.ServerCertificateValidation is not null)
        {
            failures.Add($"{Prefix}{nameof(GrpcRpcTransportOptions.TrustedCertificateAuthorities)} and {Prefix}{nameof(GrpcRpcTransportOptions.ServerCertificateValidation)} are both set: "
                         + "the callback replaces the trust decision, so the authorities would be ignored. Set one, or check the authorities in the callback.");
        }
    }

    /// <summary>
    /// The checks of a client certificate and trusted authorities, shared with the gRPC health probe's options
    /// (<paramref name="prefix"/> names the options class): a key, and dates valid at <paramref name="now"/>.
    /// </summary>
    internal static void CheckCertificates(List<string> failures, string prefix, X509Certificate2? clientCertificate, X509Certificate2Collection authorities, DateTimeOffset now)
    {
        if (clientCertificate is { } client)
        {
            var option = prefix + nameof(GrpcRpcTransportOptions.ClientCertificate);
            if (!client.HasPrivateKey)
            {
                failures.Add($"{option} ({Describe(client)}) has no private key: load it with its key (a PFX file, or X509Certificate2.CreateFromPemFile with the key file).");
            }

            CheckDates(failures, option, client, now);
        }

        for (var i = 0; i < authorities.Count; i++)
        {
            var option = string.Create(CultureInfo.InvariantCulture, $"{prefix}{nameof(GrpcRpcTransportOptions.TrustedCertificateAuthorities)}[{i}]");
            if (authorities[i] is not { } authority)
            {
                failures.Add($"{option} is null.");
                continue;
            }

            CheckDates(failures, option, authority, now);
        }
    }

    private static void CheckDates(List<string> failures, string option, X509Certificate2 certificate, DateTimeOffset now)
    {
        var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        if (now > notAfter)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{option} ({Describe(certificate)}) expired on {notAfter:u}."));
        }
        else if (now < notBefore)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{option} ({Describe(certificate)}) is not valid before {notBefore:u}."));
        }
    }

    internal static string Describe(X509Certificate2 certificate) =>
        $"{certificate.Subject}, SHA-256 {certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)}";

    private static void CheckInterval(List<string> failures, string option, TimeSpan value)
    {
        if (value <= TimeSpan.Zero || value > GrpcRpcTransportOptions.MaxInterval)
        {
            failures.Add($"{Prefix}{option} must be positive and at most {GrpcRpcTransportOptions.MaxInterval}, not {value}.");
        }
    }
}
