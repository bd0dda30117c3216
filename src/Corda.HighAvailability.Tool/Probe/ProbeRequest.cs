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

    /// <summary>The --amqp URLs as given (credentials included: never printed).</summary>
    public IReadOnlyList<Uri> Amqp { get; init; } = [];

    public string? AmqpRoundTripAddress { get; init; }

    /// <summary>The --jolokia URLs as given (credentials included: never printed).</summary>
    public IReadOnlyList<Uri> Jolokia { get; init; } = [];

    public IReadOnlyDictionary<string, long> QueueThresholds { get; init; } = new Dictionary<string, long>();

    public string? BrokerName { get; init; }

    public bool ExpectBackup { get; init; }

    public bool ExpectReplication { get; init; }

    public string? Origin { get; init; }

    /// <summary>The user of --amqp URLs without one and of --jolokia.</summary>
    public string? User { get; init; }

    /// <summary>The password read from the environment variable named by --password-env.</summary>
    public string? Password { get; init; }

    /// <summary>The --grpc URLs (http or https; no credentials are accepted for them).</summary>
    public IReadOnlyList<Uri> Grpc { get; init; } = [];

    public string GrpcService { get; init; } = string.Empty;

    public TimeSpan Timeout { get; init; }

    public int Repeat { get; init; } = 1;

    public TimeSpan Interval { get; init; }

    public OutputFormat Format { get; init; }
}
