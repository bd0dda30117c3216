namespace Corda.HighAvailability.Checkpoints.Blobs;

/// <summary>
/// Checks one blob the way Corda's readers consume it (docs/corda-checkpoints.md#blob-framing; upstream
/// KryoCheckpointSerializer.kt and SerializationFormat.kt): the magic, then section ids from the current stream; ENCODING wraps <i>the rest of the
/// stream</i> in a decoder and the loop continues on the decoded bytes (so nested encodings are followed); a data
/// section ends the framing. Every compressed layer is decoded to its end under one <see cref="InflationBudget"/>.
/// The payload (Kryo or AMQP object) itself is not interpreted.
/// </summary>
/// <remarks>Never throws for any input: every failure becomes a <see cref="BlobDefect"/>.</remarks>
internal static class BlobChecker
{
    /// <summary>
    /// The most nested encodings a blob may have. Corda writes at most one; without a cap, a blob can nest a layer
    /// every ~10 bytes, each costing a decoder's buffers (up to 140 KiB) and stack frames on every read, so memory and
    /// stack would be bounded only by the blob size (found by BlobFuzzTests).
    /// </summary>
    public const int MaxEncodingLayers = 16;

    /// <summary>Checks <paramref name="length"/> bytes of <paramref name="blob"/>; <see langword="null"/> when the blob is sound.</summary>
    /// <param name="blob">The blob's bytes (possibly a pooled buffer longer than the blob).</param>
    /// <param name="length">The blob's length.</param>
    /// <param name="kind">Which magic the column requires.</param>
    /// <param name="maxInflatedBytes">The decoded bytes allowed over all layers.</param>
    /// <param name="scratch">A buffer to drain decoded payloads into.</param>
    public static BlobDefect? Check(byte[] blob, int length, BlobKind kind, long maxInflatedBytes, byte[] scratch) =>
        Check(blob, length, kind, maxInflatedBytes, scratch, out _);

    /// <summary>Checks <paramref name="length"/> bytes of <paramref name="blob"/>; <see langword="null"/> when the blob is sound.</summary>
    /// <param name="blob">The blob's bytes (possibly a pooled buffer longer than the blob).</param>
    /// <param name="length">The blob's length.</param>
    /// <param name="kind">Which magic the column requires.</param>
    /// <param name="maxInflatedBytes">The decoded bytes allowed over all layers.</param>
    /// <param name="scratch">A buffer to drain decoded payloads into.</param>
    /// <param name="inflatedBytes">The bytes the compressed layers decoded to (0 for an uncompressed blob), also when decoding failed part way.</param>
    public static BlobDefect? Check(byte[] blob, int length, BlobKind kind, long maxInflatedBytes, byte[] scratch, out long inflatedBytes)
    {
        inflatedBytes = 0;
        InflationBudget? budget = null;
        var layers = new List<Stream>(2);
        try
        {
            var raw = new MemoryStream(blob, 0, length, writable: false);
            layers.Add(raw);
            if (CheckMagic(raw, kind) is { } magicDefect)
            {
                return magicDefect;
            }

            budget = new InflationBudget(maxInflatedBytes);
            var snappyLayers = new List<SnappyFramedDecodingStream>(1);
            var current = (Stream)raw;
            while (true)
            {
                var section = current.ReadByte();
                switch (section)
                {
                    case < 0:
                        return Truncated(layers.Count == 1
                            ? "The blob ends after the magic, before a section id."
                            : $"Decoded layer {layers.Count - 1} ends before a section id.");
                    case CordaBlobFormat.DataAndStop or CordaBlobFormat.AltDataAndStop:
                        return CheckPayload(current, raw, scratch, layers.Count - 1, snappyLayers);
                    case CordaBlobFormat.Encoding:
                        if (layers.Count > MaxEncodingLayers)
                        {
                            return new BlobDefect(
                                CheckpointFindingCodes.BlobSizeLimit,
                                FindingSeverity.Error,
                                $"The blob nests more than {MaxEncodingLayers} encodings; decoding stopped there (Corda writes at most one).");
                        }

                        var encoding = current.ReadByte();
                        Stream decoder;
                        switch (encoding)
                        {
                            case < 0:
                                return Truncated("The blob ends after an ENCODING section id, before the encoding ordinal.");
                            case CordaBlobFormat.Deflate:
                                decoder = new ZlibDecodingStream(current);
                                break;
                            case CordaBlobFormat.Snappy:
                                var snappy = new SnappyFramedDecodingStream(current);
                                snappyLayers.Add(snappy);
                                decoder = snappy;
                                break;
                            default:
                                return new BlobDefect(
                                    CheckpointFindingCodes.BlobUnknownEncoding,
                                    FindingSeverity.Error,
                                    $"Encoding ordinal {encoding} is neither DEFLATE (0) nor SNAPPY (1); Corda fails with NoSuchElementException.");
                        }

                        current = new BudgetedStream(decoder, budget);
                        layers.Add(current);
                        break;
                    default:
                        return new BlobDefect(
                            CheckpointFindingCodes.BlobUnknownSection,
                            FindingSeverity.Error,
                            $"Section id {section} is none of DATA_AND_STOP (0), ALT_DATA_AND_STOP (1), ENCODING (2); Corda fails with NoSuchElementException.");
                }
            }
        }
        catch (BlobFormatException e)
        {
            return new BlobDefect(e.Code, FindingSeverity.Error, e.Message);
        }
        catch (Exception e)
        {
            // Never let one blob stop the run: anything a decoder throws is a decoding failure of that blob.
            return new BlobDefect(CheckpointFindingCodes.BlobDecompressFailed, FindingSeverity.Error, $"Decoding failed ({e.GetType().Name}).");
        }
        finally
        {
            inflatedBytes = budget?.Used ?? 0;
            for (var i = layers.Count - 1; i >= 0; i--)
            {
                layers[i].Dispose();
            }
        }
    }

    private static BlobDefect? CheckMagic(Stream raw, BlobKind kind)
    {
        Span<byte> magic = stackalloc byte[CordaBlobFormat.MagicLength];
        var got = 0;
        while (got < magic.Length && raw.Read(magic[got..]) is var read and > 0)
        {
            got += read;
        }

        var expected = CordaBlobFormat.MagicOf(kind);
        if (!magic[..got].SequenceEqual(expected[..got]))
        {
            var other = kind == BlobKind.Kryo ? CordaBlobFormat.AmqpMagic : CordaBlobFormat.KryoMagic;
            var detail = got == magic.Length && magic.SequenceEqual(other)
                ? $"it starts with the {(kind == BlobKind.Kryo ? "AMQP" : "Kryo")} magic, but this column holds {kind} blobs"
                : $"it starts {Convert.ToHexString(magic[..got])}";
            return new BlobDefect(
                CheckpointFindingCodes.BlobBadMagic,
                FindingSeverity.Error,
                $"Serialized bytes header does not match expected format: expected {Convert.ToHexString(expected)} ({kind}), {detail}.");
        }

        return got < magic.Length
            ? Truncated($"The blob is {got} bytes long, shorter than the {CordaBlobFormat.MagicLength}-byte magic.")
            : null;
    }

    private static BlobDefect? CheckPayload(Stream current, MemoryStream raw, byte[] scratch, int layers, List<SnappyFramedDecodingStream> snappyLayers)
    {
        long payload;
        if (ReferenceEquals(current, raw))
        {
            payload = raw.Length - raw.Position;
        }
        else
        {
            // Decode every compressed layer to its end: a cut or corrupt tail only shows there.
            payload = 0;
            int read;
            while ((read = current.Read(scratch)) > 0)
            {
                payload += read;
            }
        }

        if (payload == 0)
        {
            // Kryo's readClassAndObject and the AMQP envelope reader both need at least one byte.
            return Truncated(layers == 0
                ? "The blob ends right after its data section id: the serialized object is missing."
                : "The decoded data ends right after its data section id: the serialized object is missing.");
        }

        var mismatches = snappyLayers.Sum(s => s.ChecksumMismatches);
        return mismatches == 0
            ? null
            : new BlobDefect(
                CheckpointFindingCodes.BlobChecksumMismatch,
                FindingSeverity.Error,
                $"{mismatches} Snappy chunk(s) decode but fail their CRC-32C; Corda does not verify Snappy checksums, so the node would load changed bytes.");
    }

    private static BlobDefect Truncated(string message) => new(CheckpointFindingCodes.BlobTruncated, FindingSeverity.Error, message);
}
