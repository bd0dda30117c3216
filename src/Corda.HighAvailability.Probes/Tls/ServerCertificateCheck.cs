using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Corda.HighAvailability.Probes.Internal;

namespace Corda.HighAvailability.Probes.Tls;

/// <summary>
/// The probe's own judgement of the server's certificate, made in the handshake's validation callback: trust (the
/// system store, then the CA bundle, then the pins), the name, and the dates of every certificate of the chain against
/// the probe's clock. It lets the handshake go on only when the probe would report the certificate usable; what it
/// found is kept for the result. (On Linux, .NET judges the server's certificate once OpenSSL has completed the
/// handshake, so a configured client certificate has been sent by then whatever the verdict.)
/// </summary>
internal sealed class ServerCertificateCheck
{
    public const string BySystem = "system store";
    public const string ByBundle = "CA bundle";
    public const string ByPin = "pinned thumbprint";

    private const X509ChainStatusFlags TimeFlags =
        X509ChainStatusFlags.NotTimeValid | X509ChainStatusFlags.NotTimeNested | X509ChainStatusFlags.CtlNotTimeValid;

    /// <summary>What a pin may overlook: the missing anchor, and what is checked separately (dates) or not at all (revocation).</summary>
    private const X509ChainStatusFlags PinTolerated = X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain
        | TimeFlags | X509ChainStatusFlags.RevocationStatusUnknown | X509ChainStatusFlags.OfflineRevocation;

    private readonly TlsProbeOptions _options;
    private readonly DateTimeOffset _now;
    private readonly X509Certificate2Collection? _bundle;
    private readonly IReadOnlySet<string> _pins;

    public ServerCertificateCheck(TlsProbeOptions options, DateTimeOffset now, X509Certificate2Collection? bundle)
    {
        _options = options;
        _now = now;
        _bundle = bundle;
        _pins = options.PinnedThumbprints.Select(Thumbprints.Normalize).OfType<string>().ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Whether the server's certificate was seen at all.</summary>
    public bool Invoked { get; private set; }

    /// <summary>Whether the callback let the handshake go on.</summary>
    public bool Accepted { get; private set; }

    public string? Subject { get; private set; }

    public string? Issuer { get; private set; }

    /// <summary>What the certificate is trusted by, or <see langword="null"/> when it is not trusted.</summary>
    public string? TrustedBy { get; private set; }

    /// <summary>Why the certificate is not trusted, or <see langword="null"/>.</summary>
    public string? TrustProblem { get; private set; }

    /// <summary>Why the certificate is not valid for the target host, or <see langword="null"/>.</summary>
    public string? NameProblem { get; private set; }

    /// <summary>An expired or not yet valid certificate of the chain, or <see langword="null"/>.</summary>
    public string? TimeProblem { get; private set; }

    /// <summary>The earliest NotAfter of the chain's certificates, and whose it is.</summary>
    public DateTimeOffset? EarliestExpiry { get; private set; }

    public string? EarliestExpirySubject { get; private set; }

    public Dictionary<string, object> Data { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether the server asked for a client certificate when none was configured.</summary>
    public bool ClientCertificateRequested { get; private set; }

    /// <summary>
    /// The client certificate selection when none is configured: .NET calls it before the handshake without the
    /// server's certificate, and again with it when the server sends a certificate request.
    /// </summary>
    public X509Certificate SelectNoClientCertificate(object sender, string targetHost, X509CertificateCollection localCertificates, X509Certificate? remoteCertificate, string[] acceptableIssuers)
    {
        if (remoteCertificate is not null)
        {
            ClientCertificateRequested = true;
        }

        return null!;
    }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        Invoked = true;
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            TrustProblem = "the server sent no certificate";
            return Accepted = false;
        }

        var leaf = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
        Subject = leaf.Subject;
        Issuer = leaf.Issuer;
        Data["certificateSubject"] = leaf.Subject;
        Data["certificateIssuer"] = leaf.Issuer;
        Data["certificateThumbprint"] = Thumbprints.Sha256(leaf);
        Data["certificateNotBefore"] = ProbeReport.DataDate(new DateTimeOffset(leaf.NotBefore));
        Data["certificateNotAfter"] = ProbeReport.DataDate(new DateTimeOffset(leaf.NotAfter));
        var names = DnsNames(leaf);
        if (names.Count > 0)
        {
            Data["certificateDnsNames"] = string.Join(", ", names);
        }

        // The certificates the server sent (and those the platform found), to build the chain from.
        var extra = new X509Certificate2Collection();
        if (chain is not null)
        {
            extra.AddRange(chain.ChainPolicy.ExtraStore);
            foreach (var element in chain.ChainElements)
            {
                extra.Add(element.Certificate);
            }
        }

        using var system = Build(leaf, extra, customRoots: null);
        var effective = system;
        X509Chain? custom = null;
        try
        {
            if (ChainIsValid(system))
            {
                TrustedBy = BySystem;
            }
            else if (_bundle is { Count: > 0 })
            {
                custom = Build(leaf, extra, _bundle);
                if (ChainIsValid(custom))
                {
                    TrustedBy = ByBundle;
                    effective = custom;
                }
            }

            if (TrustedBy is null && PinMatches(leaf, system))
            {
                TrustedBy = ByPin;
            }

            if (TrustedBy is null)
            {
                TrustProblem = DescribeUntrusted(custom ?? system);
            }

            CheckDates(effective);
            Data["chain"] = string.Join(" <- ", effective.ChainElements.Select(e => e.Certificate.Subject));
        }
        finally
        {
            custom?.Dispose();
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            NameProblem = names.Count > 0
                ? $"name mismatch: the certificate is for {string.Join(", ", names)}, not '{TargetHost}'"
                : $"name mismatch: the certificate ({leaf.Subject}) names no DNS name matching '{TargetHost}'";
        }

        Data["trustedBy"] = TrustedBy ?? (_options.AllowUntrusted ? "nothing (AllowUntrusted)" : "nothing");
        var trustedEnough = TrustedBy is not null && NameProblem is null;
        return Accepted = TimeProblem is null && (trustedEnough || _options.AllowUntrusted);
    }

    private string TargetHost => _options.TargetHost ?? _options.Host;

    private X509Chain Build(X509Certificate2 leaf, X509Certificate2Collection extra, X509Certificate2Collection? customRoots)
    {
        var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = _now.UtcDateTime;
        // Dates are judged separately, against the probe's clock, so that "expired" and "untrusted" read apart.
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid | X509VerificationFlags.IgnoreNotTimeNested
                                              | X509VerificationFlags.IgnoreCtlNotTimeValid;
        chain.ChainPolicy.ExtraStore.AddRange(extra);
        if (customRoots is not null)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(customRoots);
            chain.ChainPolicy.ExtraStore.AddRange(customRoots);
        }

        chain.Build(leaf);
        return chain;
    }

    private static bool ChainIsValid(X509Chain chain) =>
        chain.ChainElements.Count > 0 && chain.ChainStatus.All(s => (s.Status & ~TimeFlags) == X509ChainStatusFlags.NoError);

    private bool PinMatches(X509Certificate2 leaf, X509Chain chain)
    {
        if (_pins.Count == 0)
        {
            return false;
        }

        if (Thumbprints.Matches(leaf, _pins))
        {
            return true;
        }

        // A pinned issuer counts only if every link from the leaf up to it verified (signatures, usage, constraints).
        for (var i = 0; i < chain.ChainElements.Count; i++)
        {
            var element = chain.ChainElements[i];
            if (element.ChainElementStatus.Any(s => (s.Status & ~PinTolerated) != X509ChainStatusFlags.NoError))
            {
                return false;
            }

            if (i > 0 && Thumbprints.Matches(element.Certificate, _pins))
            {
                return true;
            }
        }

        return false;
    }

    private string DescribeUntrusted(X509Chain chain)
    {
        var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status) & ~TimeFlags;
        var top = chain.ChainElements.Count > 0 ? chain.ChainElements[^1].Certificate : null;
        var sources = _bundle is { Count: > 0 }
            ? "neither the system store nor the CA bundle trusts it"
            : "the system store does not trust it (set TrustedCaBundlePath to trust a private CA)";
        if (_pins.Count > 0)
        {
            sources += ", and no pinned thumbprint matches";
        }

        if ((flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0)
        {
            var issuer = top is null ? "an unknown issuer" : (flags.HasFlag(X509ChainStatusFlags.PartialChain) ? top.Issuer : top.Subject);
            return $"unknown CA: the chain ends at '{issuer}', and {sources}";
        }

        var details = string.Join("; ", chain.ChainStatus
            .Where(s => (s.Status & ~TimeFlags) != X509ChainStatusFlags.NoError)
            .Select(s => string.IsNullOrWhiteSpace(s.StatusInformation) ? s.Status.ToString() : $"{s.Status}: {s.StatusInformation.Trim()}"));
        return $"invalid certificate chain ({details})";
    }

    private void CheckDates(X509Chain chain)
    {
        foreach (var element in chain.ChainElements)
        {
            var certificate = element.Certificate;
            var notAfter = new DateTimeOffset(certificate.NotAfter);
            var notBefore = new DateTimeOffset(certificate.NotBefore);
            if (EarliestExpiry is null || notAfter < EarliestExpiry)
            {
                EarliestExpiry = notAfter;
                EarliestExpirySubject = certificate.Subject;
            }

            if (TimeProblem is null && _now >= notAfter)
            {
                TimeProblem = $"certificate '{certificate.Subject}' expired on {ProbeReport.FormatDate(notAfter)}";
            }
            else if (TimeProblem is null && _now < notBefore)
            {
                TimeProblem = $"certificate '{certificate.Subject}' is not valid before {ProbeReport.FormatDate(notBefore)} (check this machine's clock)";
            }
        }

        if (EarliestExpiry is { } earliest)
        {
            Data["certificateExpiry"] = ProbeReport.DataDate(earliest);
            Data["certificateExpirySubject"] = EarliestExpirySubject ?? string.Empty;
            Data["certificateExpiresInDays"] = Math.Round((earliest - _now).TotalDays, 1);
        }
    }

    private static List<string> DnsNames(X509Certificate2 certificate)
    {
        var names = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                names.AddRange(san.EnumerateDnsNames());
                names.AddRange(san.EnumerateIPAddresses().Select(a => a.ToString()));
            }
        }

        return names;
    }
}
