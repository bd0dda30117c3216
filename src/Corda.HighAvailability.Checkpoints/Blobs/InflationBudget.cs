namespace Corda.HighAvailability.Checkpoints.Blobs;

/// <summary>
/// The decoded bytes one blob may produce, summed over every compression layer, so that neither a single bomb nor a
/// stack of nested encodings can cost more than the limit in memory or time. Charged as bytes come out of a decoder,
/// never after the fact.
/// </summary>
internal sealed class InflationBudget(long limit)
{
    public long Limit { get; } = limit;

    public long Used { get; private set; }

    public void Charge(int bytes)
    {
        Used += bytes;
        if (Used > Limit)
        {
            throw new BlobFormatException(
                CheckpointFindingCodes.BlobSizeLimit,
                $"Decompression stopped after {Used} bytes: the blob would inflate beyond MaxInflatedBytes ({Limit}).");
        }
    }
}
