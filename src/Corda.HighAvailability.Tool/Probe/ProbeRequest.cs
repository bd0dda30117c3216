using Corda.HighAvailability.Tool.Cli;

namespace Corda.HighAvailability.Tool.Probe;

/// <summary>The probe command line, parsed and checked.</summary>
internal sealed record ProbeRequest
{
    public IReadOnlyList<HostPort> Tcp { get; init; } = [];

    public IReadOnlyList<HostPort> Tls { get; init; } = [];

    public string? ClientCertificatePath { get; init; }

    public string? ClientKeyPath { get; init; }

    /// <summary>The client certificate's password, read from the environment variable named on the command line.</summary>
    public string? ClientCertificatePassword { get; init; }

    public string? CaBundlePath { get; init; }

    public string? ServerName { get; init; }

    public TimeSpan ExpiryWarning { get; init; }

    public bool AllowUntrusted { get; init; }

    public IReadOnlyList<string> Storage { get; init; } = [];

    public long StorageMinFreeBytes { get; init; }

    public TimeSpan StorageLatencyBudget { get; init; }

    public TimeSpan Timeout { get; init; }

    public int Repeat { get; init; } = 1;

    public TimeSpan Interval { get; init; }

    public OutputFormat Format { get; init; }
}
