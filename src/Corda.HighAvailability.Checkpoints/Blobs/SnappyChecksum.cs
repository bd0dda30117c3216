using System.Buffers.Binary;
using System.Numerics;

namespace Corda.HighAvailability.Checkpoints.Blobs;

/// <summary>The masked CRC-32C of the Snappy framing format: <c>((crc &gt;&gt;&gt; 15) | (crc &lt;&lt; 17)) + 0xa282ead8</c>.</summary>
internal static class SnappyChecksum
{
    public static uint Masked(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var value in data)
        {
            crc = BitOperations.Crc32C(crc, value);
        }

        crc = ~crc;
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8;
    }
}
