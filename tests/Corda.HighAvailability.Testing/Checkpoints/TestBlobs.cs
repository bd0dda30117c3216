using System.IO.Compression;

namespace Corda.HighAvailability.Testing;

public enum TestEncoding
{
    Deflate = 0,
    Snappy = 1,
}

/// <summary>
/// Writes blobs the way Corda's writers do (KryoCheckpointSerializer l.152-170: magic, optional ENCODING + ordinal,
/// then everything after it compressed, starting with the data section id), independently of the code under test.
/// </summary>
public static class TestBlobs
{
    public static readonly byte[] KryoMagic = [0x63, 0x6F, 0x72, 0x64, 0x61, 0x00, 0x00];
    public static readonly byte[] AmqpMagic = [0x63, 0x6F, 0x72, 0x64, 0x61, 0x01, 0x00];

    /// <summary>A Kryo checkpoint blob: ALT_DATA_AND_STOP (1) then <paramref name="payload"/>, inside the given encodings (outermost first).</summary>
    public static byte[] Kryo(byte[] payload, params TestEncoding[] encodings) => Frame(KryoMagic, 1, payload, encodings);

    /// <summary>An AMQP blob: DATA_AND_STOP (0) then <paramref name="payload"/>, inside the given encodings (outermost first).</summary>
    public static byte[] Amqp(byte[] payload, params TestEncoding[] encodings) => Frame(AmqpMagic, 0, payload, encodings);

    public static byte[] Frame(byte[] magic, byte section, byte[] payload, IReadOnlyList<TestEncoding> encodings)
    {
        byte[] body = [section, .. payload];
        for (var i = encodings.Count - 1; i >= 0; i--)
        {
            body = [2, (byte)encodings[i], .. Compress(encodings[i], body)];
        }

        return [.. magic, .. body];
    }

    public static byte[] Compress(TestEncoding encoding, byte[] data) =>
        encoding == TestEncoding.Deflate ? Zlib(data) : TestSnappy.Framed(data);

    public static byte[] Zlib(byte[] data, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, level, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>Bytes that look like a serialized object: some text and some repetition, so that compression does something.</summary>
    public static byte[] Payload(int length, int seed = 1)
    {
        var random = new Random(seed);
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = i % 7 == 0 ? (byte)random.Next(256) : (byte)('a' + (i % 13));
        }

        return bytes;
    }
}
