namespace Corda.HighAvailability.Testing;

/// <summary>
/// A test-side writer of the Snappy framing format (google/snappy framing_format.txt), independent of the decoder:
/// stream identifier, then chunks with a masked CRC-32C computed bit by bit here.
/// </summary>
public static class TestSnappy
{
    public static readonly byte[] StreamIdentifier = [0xFF, 0x06, 0x00, 0x00, 0x73, 0x4E, 0x61, 0x50, 0x70, 0x59];

    /// <summary>Frames <paramref name="data"/> in 64 KiB blocks, alternately as compressed (literals and run copies) and uncompressed chunks.</summary>
    public static byte[] Framed(byte[] data)
    {
        var output = new List<byte>(StreamIdentifier);
        var index = 0;
        for (var offset = 0; offset < data.Length; offset += 65536, index++)
        {
            var block = data.AsSpan(offset, Math.Min(65536, data.Length - offset)).ToArray();
            output.AddRange(index % 2 == 0 ? Chunk(0x00, block, CompressBlock(block)) : Chunk(0x01, block, block));
        }

        return [.. output];
    }

    public static byte[] Chunk(byte type, byte[] decoded, byte[] body, uint? crc = null)
    {
        var length = body.Length + 4;
        var checksum = crc ?? MaskedCrc32C(decoded);
        return [type, (byte)length, (byte)(length >> 8), (byte)(length >> 16),
            (byte)checksum, (byte)(checksum >> 8), (byte)(checksum >> 16), (byte)(checksum >> 24), .. body];
    }

    /// <summary>A valid raw Snappy block: runs of one repeated byte become a literal plus a copy at offset 1, the rest literals.</summary>
    public static byte[] CompressBlock(byte[] block)
    {
        var output = new List<byte>(Varint((uint)block.Length));
        var literalStart = 0;
        var i = 0;
        while (i < block.Length)
        {
            var run = 1;
            while (i + run < block.Length && block[i + run] == block[i] && run < 64)
            {
                run++;
            }

            if (run >= 5)
            {
                Literal(output, block.AsSpan(literalStart, i + 1 - literalStart));
                Copy2(output, run - 1, 1);
                i += run;
                literalStart = i;
            }
            else
            {
                i++;
            }
        }

        Literal(output, block.AsSpan(literalStart, block.Length - literalStart));
        return [.. output];
    }

    /// <summary>A chunk body that decodes to 65536 bytes of 'a' from about 3 KB: one literal, then copies of 64 at offset 1.</summary>
    public static byte[] BombBlock()
    {
        var output = new List<byte>(Varint(65536));
        Literal(output, "a"u8);
        var left = 65535;
        while (left > 0)
        {
            var length = Math.Min(64, left);
            Copy2(output, length, 1);
            left -= length;
        }

        return [.. output];
    }

    public static byte[] Varint(uint value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
        return [.. bytes];
    }

    public static void Literal(List<byte> output, ReadOnlySpan<byte> literal)
    {
        if (literal.IsEmpty)
        {
            return;
        }

        var n = literal.Length - 1;
        if (n < 60)
        {
            output.Add((byte)(n << 2));
        }
        else if (n < 256)
        {
            output.Add(60 << 2);
            output.Add((byte)n);
        }
        else
        {
            output.Add(61 << 2);
            output.Add((byte)n);
            output.Add((byte)(n >> 8));
        }

        output.AddRange(literal.ToArray());
    }

    public static void Copy2(List<byte> output, int length, int offset)
    {
        output.Add((byte)(((length - 1) << 2) | 2));
        output.Add((byte)offset);
        output.Add((byte)(offset >> 8));
    }

    public static uint MaskedCrc32C(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        crc = ~crc;
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    }
}
