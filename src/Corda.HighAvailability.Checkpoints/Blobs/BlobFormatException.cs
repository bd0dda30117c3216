namespace Corda.HighAvailability.Checkpoints.Blobs;

/// <summary>Thrown inside the blob decoders and caught by <see cref="BlobChecker"/>, which turns it into a finding.</summary>
internal sealed class BlobFormatException : Exception
{
    public BlobFormatException(string code, string message)
        : base(message) => Code = code;

    public BlobFormatException()
        : this(CheckpointFindingCodes.BlobDecompressFailed, "The blob is malformed.")
    {
    }

    public BlobFormatException(string message)
        : this(CheckpointFindingCodes.BlobDecompressFailed, message)
    {
    }

    public BlobFormatException(string message, Exception innerException)
        : base(message, innerException) => Code = CheckpointFindingCodes.BlobDecompressFailed;

    public string Code { get; }

    public static BlobFormatException Truncated(string message) => new(CheckpointFindingCodes.BlobTruncated, message);

    public static BlobFormatException Corrupt(string message) => new(CheckpointFindingCodes.BlobDecompressFailed, message);
}
