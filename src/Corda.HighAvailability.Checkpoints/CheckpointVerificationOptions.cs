namespace Corda.HighAvailability.Checkpoints;

/// <summary>
/// Options of the checkpoint verifier. Validated when the host starts: <see cref="MaxInflatedBytes"/> &gt; 0,
/// <see cref="MaxBlobBytes"/> &gt; 0, <see cref="Parallelism"/> in 1..64, a valid <see cref="SchemaName"/>,
/// <see cref="DisabledRules"/> naming registered rules only, and a defined <see cref="ChecksumMismatchSeverity"/>.
/// </summary>
/// <remarks>
/// Memory is bounded by the blobs in flight, never by the table sizes: at most about
/// (2 × <see cref="Parallelism"/> + 16) × <see cref="MaxBlobBytes"/> in the worst case where every blob is that large
/// (one current row per table, the rows being merged, the channel and the workers), plus about 200 KiB of decoder
/// buffers per worker.
/// </remarks>
public sealed class CheckpointVerificationOptions
{
    /// <summary>The default <see cref="MaxInflatedBytes"/>: 64 MiB.</summary>
    public const long DefaultMaxInflatedBytes = 64L * 1024 * 1024;

    /// <summary>The default <see cref="MaxBlobBytes"/>: 32 MiB, the size of Corda's blob columns (<c>varbinary(33554432)</c>).</summary>
    public const int DefaultMaxBlobBytes = 33_554_432;

    /// <summary>The highest <see cref="Parallelism"/> accepted.</summary>
    public const int MaxParallelism = 64;

    /// <summary>
    /// The most bytes one blob may decode to, summed over its compression layers; decoding stops there with
    /// <c>blob-size-limit</c>, so that a decompression bomb costs at most this much time and no extra memory.
    /// Default 64 MiB.
    /// </summary>
    public long MaxInflatedBytes { get; set; } = DefaultMaxInflatedBytes;

    /// <summary>The largest stored blob that is read and checked; larger ones are reported as <c>blob-size-limit</c>. Default 32 MiB.</summary>
    public int MaxBlobBytes { get; set; } = DefaultMaxBlobBytes;

    /// <summary>How many blobs are decoded at once. Default: the processor count, at most 8.</summary>
    public int Parallelism { get; set; } = Math.Clamp(Environment.ProcessorCount, 1, 8);

    /// <summary>Whether blobs are read and decoded; off, only the cross-table rules run (much less I/O). Default <see langword="true"/>.</summary>
    public bool CheckBlobs { get; set; } = true;

    /// <summary>Ids of rules not to run (built-in ids are their codes, for example <c>row-orphan-blob</c>).</summary>
    public ISet<string> DisabledRules { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The schema holding Corda's tables; <see langword="null"/> for the provider's default (<c>public</c> on PostgreSQL).</summary>
    public string? SchemaName { get; set; }

    /// <summary>How many findings a report keeps (counts are always complete). Default 10 000.</summary>
    public int MaxReportedFindings { get; set; } = 10_000;

    /// <summary>Progress is reported every this many flows, and at the end. Default 1 000.</summary>
    public int ProgressInterval { get; set; } = 1_000;

    /// <summary>
    /// How bad <c>blob-checksum-mismatch</c> is. Default <see cref="FindingSeverity.Error"/>: the stored bytes differ
    /// from the bytes Corda wrote, and Corda would load them without noticing (it reads Snappy with checksums off).
    /// Set <see cref="FindingSeverity.Warning"/> to let such a database pass the gate, for example while a known
    /// corruption is being investigated on a copy.
    /// </summary>
    public FindingSeverity ChecksumMismatchSeverity { get; set; } = FindingSeverity.Error;
}
