using System.Diagnostics;
using System.IO.Compression;
using Corda.HighAvailability.Checkpoints.Blobs;
using Corda.HighAvailability.Checkpoints.Tests.Infrastructure;
using static Corda.HighAvailability.Checkpoints.CheckpointFindingCodes;

namespace Corda.HighAvailability.Checkpoints.Tests.Blobs;

/// <summary>The blob framing and decoders: every valid shape Corda writes or accepts, and every defect with its exact code.</summary>
public sealed class BlobCheckerTests
{
    private const long Limit = CheckpointVerificationOptions.DefaultMaxInflatedBytes;

    public static TheoryData<string, TestEncoding[]> Encodings => new()
    {
        { "none", [] },
        { "deflate", [TestEncoding.Deflate] },
        { "snappy", [TestEncoding.Snappy] },
        { "deflate in snappy", [TestEncoding.Snappy, TestEncoding.Deflate] },
        { "snappy in deflate", [TestEncoding.Deflate, TestEncoding.Snappy] },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Valid_Kryo_and_AMQP_blobs_pass_in_every_encoding(string name, TestEncoding[] encodings)
    {
        foreach (var size in new[] { 1, 100, 65536, 65537, 300_000 })
        {
            var payload = TestBlobs.Payload(size, seed: size);
            Assert.True(Check(TestBlobs.Kryo(payload, encodings), BlobKind.Kryo) is null, $"{name}, {size} bytes, Kryo");
            Assert.True(Check(TestBlobs.Amqp(payload, encodings), BlobKind.Amqp) is null, $"{name}, {size} bytes, AMQP");
        }
    }

    [Fact]
    public void Both_data_section_ids_are_accepted_as_Corda_readers_do()
    {
        Assert.Null(Check(TestBlobs.Frame(TestBlobs.KryoMagic, 0, [1, 2, 3], []), BlobKind.Kryo));
        Assert.Null(Check(TestBlobs.Frame(TestBlobs.AmqpMagic, 1, [1, 2, 3], []), BlobKind.Amqp));
    }

    [Fact]
    public void Snappy_with_skippable_chunks_and_repeated_stream_identifiers_passes()
    {
        var block = TestBlobs.Payload(1000);
        byte[] body = [1, .. block];
        byte[] stream =
        [
            .. TestSnappy.StreamIdentifier,
            0xFE, 3, 0, 0, 9, 9, 9, // padding chunk: skipped
            .. TestSnappy.StreamIdentifier,
            .. TestSnappy.Chunk(0x00, body, TestSnappy.CompressBlock(body)),
            0x80, 0, 0, 0, // empty skippable chunk
        ];
        Assert.Null(Check([.. TestBlobs.KryoMagic, 2, 1, .. stream], BlobKind.Kryo));
    }

    [Fact]
    public void Snappy_back_references_of_every_width_decode()
    {
        // "abcd" then copy-1 (len 4, offset 4), copy-2 (len 8, offset 8), copy-4 (len 3, offset 16), overlapping copy (len 10, offset 1).
        var block = new List<byte>(TestSnappy.Varint(4 + 4 + 8 + 3 + 10));
        TestSnappy.Literal(block, "abcd"u8);
        block.AddRange(new byte[] { (byte)(((4 - 4) << 2) | 1), 4 });
        TestSnappy.Copy2(block, 8, 8);
        block.AddRange(new byte[] { (byte)(((3 - 1) << 2) | 3), 16, 0, 0, 0 });
        TestSnappy.Copy2(block, 10, 1);
        var expected = "abcdabcdabcdabcdabccccccccccc"u8.ToArray();
        var decoded = new byte[65536];

        var length = SnappyBlock.Decode([.. block], decoded);

        Assert.Equal(expected, decoded[..length]);
    }

    public static TheoryData<string, byte[], bool, string> Defects
    {
        get
        {
            var payload = TestBlobs.Payload(5000);
            var zlibBlob = TestBlobs.Kryo(payload, TestEncoding.Deflate);
            var snappyBlob = TestBlobs.Kryo(payload, TestEncoding.Snappy);
            var corruptZlib = (byte[])zlibBlob.Clone();
            corruptZlib[zlibBlob.Length / 2] ^= 0x5A;
            var badAdler = (byte[])zlibBlob.Clone();
            badAdler[^1] ^= 0x01;
            byte[] ok = [1, 42];
            return new()
            {
                { "wrong magic", [0x63, 0x6F, 0x72, 0x64, 0x62, 0, 0, 1, 42], false, BlobBadMagic },
                { "AMQP magic in a Kryo column", TestBlobs.Amqp([42]), false, BlobBadMagic },
                { "Kryo magic in an AMQP column", TestBlobs.Kryo([42]), true, BlobBadMagic },
                { "not a Corda blob at all", "hello world"u8.ToArray(), false, BlobBadMagic },
                { "empty", [], false, BlobTruncated },
                { "part of the magic", [0x63, 0x6F, 0x72], false, BlobTruncated },
                { "magic only", TestBlobs.KryoMagic, false, BlobTruncated },
                { "ENCODING without ordinal", [.. TestBlobs.KryoMagic, 2], false, BlobTruncated },
                { "data section without payload", [.. TestBlobs.KryoMagic, 1], false, BlobTruncated },
                { "zlib cut in half", zlibBlob[..(zlibBlob.Length / 2)], false, BlobTruncated },
                { "zlib without its Adler-32 trailer", zlibBlob[..^4], false, BlobTruncated },
                { "zlib cut after its header", zlibBlob[..11], false, BlobTruncated },
                { "zlib decoding to nothing after the section id", [.. TestBlobs.KryoMagic, 2, 0, .. TestBlobs.Zlib([1])], false, BlobTruncated },
                { "zlib decoding to an empty stream", [.. TestBlobs.KryoMagic, 2, 0, .. TestBlobs.Zlib([])], false, BlobTruncated },
                { "snappy cut inside a chunk", snappyBlob[..(snappyBlob.Length - 10)], false, BlobTruncated },
                { "snappy cut inside a chunk header", [.. TestBlobs.KryoMagic, 2, 1, .. TestSnappy.StreamIdentifier, 0x00, 5], false, BlobTruncated },
                { "snappy cut inside the stream identifier", [.. TestBlobs.KryoMagic, 2, 1, 0xFF, 6, 0, 0, 0x73], false, BlobTruncated },
                { "unknown section id", [.. TestBlobs.KryoMagic, 3, 42], false, BlobUnknownSection },
                { "section id 0x80", [.. TestBlobs.AmqpMagic, 0x80, 42], true, BlobUnknownSection },
                { "unknown section inside deflate", [.. TestBlobs.KryoMagic, 2, 0, .. TestBlobs.Zlib([7, 42])], false, BlobUnknownSection },
                { "ZSTANDARD (2) is not released", [.. TestBlobs.KryoMagic, 2, 2, 1, 42], false, BlobUnknownEncoding },
                { "unknown encoding inside snappy", [.. TestBlobs.KryoMagic, 2, 1, .. TestSnappy.Framed([2, 9, 1, 42])], false, BlobUnknownEncoding },
                { "raw deflate instead of zlib", [.. TestBlobs.KryoMagic, 2, 0, .. RawDeflate(ok)], false, BlobDecompressFailed },
                { "zlib with a corrupt byte", corruptZlib, false, BlobDecompressFailed },
                { "zlib with a wrong Adler-32", badAdler, false, BlobDecompressFailed },
                { "snappy without stream identifier", [.. TestBlobs.KryoMagic, 2, 1, .. TestSnappy.Chunk(0x01, ok, ok)], false, BlobDecompressFailed },
                { "snappy legacy iq80 header", [.. TestBlobs.KryoMagic, 2, 1, .. "snappy\0"u8.ToArray(), 1, 0, 2, 1, 42], false, BlobDecompressFailed },
                { "snappy unskippable chunk type", [.. TestBlobs.KryoMagic, 2, 1, .. TestSnappy.StreamIdentifier, 0x02, 5, 0, 0, 0, 0, 0, 0, 1], false, BlobDecompressFailed },
                { "snappy data chunk shorter than 5 bytes", [.. TestBlobs.KryoMagic, 2, 1, .. TestSnappy.StreamIdentifier, 0x01, 4, 0, 0, 0, 0, 0, 0], false, BlobDecompressFailed },
                { "snappy back-reference before the start", SnappyBlob([3, (4 << 2) | 1, 9]), false, BlobDecompressFailed },
                { "snappy block shorter than declared", SnappyBlob([10, 4 << 2, 1, 2, 3, 4, 5]), false, BlobDecompressFailed },
                { "snappy literal past the chunk", SnappyBlob([10, 9 << 2, 1, 2]), false, BlobDecompressFailed },
                { "snappy block declaring more than 64 KiB", SnappyBlob([.. TestSnappy.Varint(70000), 0]), false, BlobDecompressFailed },
            };
        }
    }

    [Theory]
    [MemberData(nameof(Defects))]
    public void Each_defect_is_reported_with_its_exact_code(string name, byte[] blob, bool amqpColumn, string code)
    {
        var defect = Check(blob, amqpColumn ? BlobKind.Amqp : BlobKind.Kryo);

        Assert.True(defect is not null, $"{name}: no defect reported");
        Assert.Equal(code, defect.Value.Code);
        Assert.Equal(FindingSeverity.Error, defect.Value.Severity);
        Assert.False(string.IsNullOrWhiteSpace(defect.Value.Message));
    }

    [Fact]
    public void A_snappy_chunk_with_a_wrong_checksum_is_an_error_because_Corda_would_load_the_changed_bytes_unchecked()
    {
        byte[] body = [1, .. TestBlobs.Payload(500)];
        byte[] blob = [.. TestBlobs.KryoMagic, 2, 1, .. TestSnappy.StreamIdentifier, .. TestSnappy.Chunk(0x01, body, body, crc: 12345)];

        var defect = Check(blob, BlobKind.Kryo);

        Assert.NotNull(defect);
        Assert.Equal(BlobChecksumMismatch, defect.Value.Code);
        Assert.Equal(FindingSeverity.Error, defect.Value.Severity);
    }

    [Fact]
    public void A_deflate_bomb_stops_at_the_default_limit_quickly_and_without_allocating_its_output()
    {
        // 128 MiB of zeros compress to about 130 KB; the default limit is 64 MiB.
        var zeros = new byte[128 * 1024 * 1024];
        zeros[0] = 1; // ALT_DATA_AND_STOP, then 128 MiB of payload
        byte[] bomb = [.. TestBlobs.KryoMagic, 2, 0, .. TestBlobs.Zlib(zeros, CompressionLevel.SmallestSize)];
        Assert.True(bomb.Length < 1024 * 1024);
        var scratch = new byte[64 * 1024];
        Check(TestBlobs.Kryo([1]), BlobKind.Kryo); // warm up pools and JIT

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        var defect = BlobChecker.Check(bomb, bomb.Length, BlobKind.Kryo, Limit, scratch);
        watch.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.NotNull(defect);
        Assert.Equal(BlobSizeLimit, defect.Value.Code);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.True(allocated < 2 * 1024 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void A_snappy_bomb_stops_at_the_limit()
    {
        var chunk = TestSnappy.Chunk(0x00, Enumerable.Repeat((byte)'a', 65536).ToArray(), TestSnappy.BombBlock());
        // The decoded stream starts with ALT_DATA_AND_STOP; 'a' bytes follow, 64 KiB per 3 KB chunk.
        var stream = new List<byte>([.. TestSnappy.StreamIdentifier, .. TestSnappy.Chunk(0x01, [1], [1])]);
        for (var i = 0; i < 40; i++)
        {
            stream.AddRange(chunk);
        }

        byte[] blob = [.. TestBlobs.KryoMagic, 2, 1, .. stream];

        Assert.Null(BlobChecker.Check(blob, blob.Length, BlobKind.Kryo, 41 * 65536, new byte[65536]));
        var defect = BlobChecker.Check(blob, blob.Length, BlobKind.Kryo, 1024 * 1024, new byte[65536]);
        Assert.Equal(BlobSizeLimit, defect?.Code);
    }

    [Fact]
    public void Nested_encodings_share_one_budget()
    {
        // Incompressible data: each layer decodes to about 600 KB, under the limit alone but not together.
        var random = new byte[600_000];
        new Random(3).NextBytes(random);
        var blob = TestBlobs.Kryo(random, TestEncoding.Deflate, TestEncoding.Deflate);
        Assert.Null(BlobChecker.Check(blob, blob.Length, BlobKind.Kryo, 2_000_000, new byte[65536]));
        Assert.Equal(BlobSizeLimit, BlobChecker.Check(blob, blob.Length, BlobKind.Kryo, 1_000_000, new byte[65536])?.Code);
    }

    [Fact]
    public void Only_the_first_length_bytes_of_a_pooled_buffer_are_read()
    {
        var blob = TestBlobs.Kryo(TestBlobs.Payload(100), TestEncoding.Deflate);
        var pooled = new byte[blob.Length + 50];
        blob.CopyTo(pooled, 0);
        Array.Fill(pooled, (byte)0xEE, blob.Length, 50);

        Assert.Null(BlobChecker.Check(pooled, blob.Length, BlobKind.Kryo, Limit, new byte[65536]));
    }

    [Fact]
    public void Random_mutations_never_throw()
    {
        var random = new Random(7);
        var seeds = new[]
        {
            TestBlobs.Kryo(TestBlobs.Payload(3000)),
            TestBlobs.Kryo(TestBlobs.Payload(3000), TestEncoding.Deflate),
            TestBlobs.Kryo(TestBlobs.Payload(3000), TestEncoding.Snappy),
            TestBlobs.Amqp(TestBlobs.Payload(3000), TestEncoding.Snappy, TestEncoding.Deflate),
        };
        var scratch = new byte[65536];
        for (var i = 0; i < 3000; i++)
        {
            var blob = (byte[])seeds[i % seeds.Length].Clone();
            for (var m = random.Next(1, 4); m > 0; m--)
            {
                blob[random.Next(blob.Length)] = (byte)random.Next(256);
            }

            var length = random.Next(4) == 0 ? random.Next(blob.Length) : blob.Length;
            var defect = BlobChecker.Check(blob, length, i % 4 == 3 ? BlobKind.Amqp : BlobKind.Kryo, 1_000_000, scratch);
            Assert.True(defect is null || defect.Value.Code.StartsWith("blob-", StringComparison.Ordinal));
        }
    }

    private static BlobDefect? Check(byte[] blob, BlobKind kind) => BlobChecker.Check(blob, blob.Length, kind, Limit, new byte[65536]);

    private static byte[] SnappyBlob(byte[] block) =>
        [.. TestBlobs.KryoMagic, 2, 1, .. TestSnappy.StreamIdentifier, .. TestSnappy.Chunk(0x00, [], block)];

    private static byte[] RawDeflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(data);
        }

        return output.ToArray();
    }
}
