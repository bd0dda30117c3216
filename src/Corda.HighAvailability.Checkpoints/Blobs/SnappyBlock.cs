using System.Buffers.Binary;

namespace Corda.HighAvailability.Checkpoints.Blobs;

/// <summary>
/// Decodes one raw Snappy block (google/snappy <c>format_description.txt</c>): a varint uncompressed length, then
/// literals and back-references. Every length and offset is checked against both buffers; nothing is trusted.
/// </summary>
internal static class SnappyBlock
{
    /// <summary>Decodes <paramref name="input"/> into <paramref name="output"/>; returns the decoded length.</summary>
    public static int Decode(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var position = 0;
        var expected = ReadVarint(input, ref position);
        if (expected > (uint)output.Length)
        {
            throw BlobFormatException.Corrupt($"A Snappy chunk declares {expected} decoded bytes; the framing format allows at most {output.Length}.");
        }

        var written = 0;
        while (position < input.Length)
        {
            var tag = input[position++];
            long length;
            long offset = 0;
            switch (tag & 3)
            {
                case 0:
                    length = tag >> 2;
                    if (length >= 60)
                    {
                        var extra = (int)length - 59;
                        Need(input, position, extra);
                        length = 0;
                        for (var i = 0; i < extra; i++)
                        {
                            length |= (long)input[position + i] << (8 * i);
                        }

                        position += extra;
                    }

                    length++;
                    Need(input, position, length);
                    NeedRoom(written, length, expected);
                    input.Slice(position, (int)length).CopyTo(output[written..]);
                    position += (int)length;
                    written += (int)length;
                    continue;
                case 1:
                    Need(input, position, 1);
                    length = 4 + ((tag >> 2) & 7);
                    offset = ((tag >> 5) << 8) | input[position++];
                    break;
                case 2:
                    Need(input, position, 2);
                    length = 1 + (tag >> 2);
                    offset = BinaryPrimitives.ReadUInt16LittleEndian(input[position..]);
                    position += 2;
                    break;
                default:
                    Need(input, position, 4);
                    length = 1 + (tag >> 2);
                    offset = BinaryPrimitives.ReadUInt32LittleEndian(input[position..]);
                    position += 4;
                    break;
            }

            if (offset == 0 || offset > written)
            {
                throw BlobFormatException.Corrupt($"A Snappy back-reference points {offset} bytes back from decoded position {written}.");
            }

            NeedRoom(written, length, expected);
            var from = written - (int)offset;

            // Overlapping copies repeat the pattern, so they must go byte by byte.
            for (var i = 0; i < (int)length; i++)
            {
                output[written + i] = output[from + i];
            }

            written += (int)length;
        }

        if (written != expected)
        {
            throw BlobFormatException.Corrupt($"A Snappy chunk decodes to {written} bytes but declares {expected}.");
        }

        return written;
    }

    private static uint ReadVarint(ReadOnlySpan<byte> input, ref int position)
    {
        uint value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (position >= input.Length)
            {
                throw BlobFormatException.Corrupt("A Snappy chunk ends inside its length varint.");
            }

            var b = input[position++];
            value |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw BlobFormatException.Corrupt("A Snappy chunk's length varint is longer than 5 bytes.");
    }

    private static void Need(ReadOnlySpan<byte> input, int position, long count)
    {
        if (count > input.Length - position)
        {
            throw BlobFormatException.Corrupt("A Snappy element runs past the end of its chunk.");
        }
    }

    private static void NeedRoom(int written, long length, uint expected)
    {
        if (written + length > expected)
        {
            throw BlobFormatException.Corrupt($"A Snappy element would decode past the declared {expected} bytes.");
        }
    }
}
