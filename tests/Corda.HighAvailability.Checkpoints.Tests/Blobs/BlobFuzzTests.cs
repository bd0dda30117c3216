using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using Corda.HighAvailability.Checkpoints.Blobs;
using Corda.HighAvailability.Checkpoints.Tests.Infrastructure;
using static Corda.HighAvailability.Checkpoints.CheckpointFindingCodes;

namespace Corda.HighAvailability.Checkpoints.Tests.Blobs;

/// <summary>
/// A seeded, deterministic fuzzer over the blob checks: structure-aware mutations of valid blobs of every framing and
/// encoding, every truncation, random garbage and decompression bombs. Per input: <see cref="BlobChecker"/> returns
/// (no exception escapes), the result is clean or a known blob code, it takes less than <see cref="PerInputBound"/>, and
/// it allocates far less than <see cref="Limit"/> (decoded bytes are never materialised); over a whole run the managed
/// heap does not grow. Set <c>CORDA_HA_FUZZ_SEED</c> to replay another seed; every failure message names the seed and
/// the input.
/// </summary>
[Collection(BlobFuzzCollection.Name)]
public sealed class BlobFuzzTests
{
    /// <summary>A small budget, so that bombs are cut after 1 MiB and tens of thousands of inputs run in seconds.</summary>
    private const long Limit = 1024 * 1024;

    /// <summary>
    /// Per input: a quarter of the budget for small objects, plus the decoders' buffers (64 KiB + 76 KiB per Snappy
    /// layer, 8 KiB per zlib layer, from the pool but fresh when many layers empty it). With the usual few layers this
    /// stays below <see cref="Limit"/>, which a decoder that materialised a bomb's output would exceed.
    /// </summary>
    private const long BaseAllocationBound = Limit / 4;

    private const long AllocationPerLayer = 160 * 1024;

    /// <summary>Layers an input is assumed to have unless it says otherwise: two in a seed plus mutations that add headers.</summary>
    private const int UsualLayers = 4;

    /// <summary>The checker's cap on nested encodings (BlobChecker.MaxEncodingLayers).</summary>
    private const int MaxLayers = 16;

    private static readonly TimeSpan PerInputBound = TimeSpan.FromSeconds(2);

    private static readonly HashSet<string> KnownCodes =
        [BlobBadMagic, BlobTruncated, BlobUnknownSection, BlobUnknownEncoding, BlobDecompressFailed, BlobChecksumMismatch, BlobSizeLimit];

    private static readonly TestEncoding[][] Stacks =
    [
        [], [TestEncoding.Deflate], [TestEncoding.Snappy],
        [TestEncoding.Deflate, TestEncoding.Snappy], [TestEncoding.Snappy, TestEncoding.Deflate],
        [TestEncoding.Deflate, TestEncoding.Deflate], [TestEncoding.Snappy, TestEncoding.Snappy],
    ];

    private static readonly int Seed = int.Parse(Environment.GetEnvironmentVariable("CORDA_HA_FUZZ_SEED") ?? "20261126", CultureInfo.InvariantCulture);

    private readonly byte[] _scratch = new byte[64 * 1024];

    [Fact]
    public void Structure_aware_mutations_of_valid_blobs_are_reported_never_thrown()
    {
        var seeds = ValidSeeds();
        var fuzz = new Fuzz(this, "mutations");
        for (var i = 0; i < 25_000; i++)
        {
            var random = new Random(HashCode.Combine(Seed, i));
            var (kind, blob) = seeds[random.Next(seeds.Count)];
            var (name, mutated) = Mutate(random, blob);
            for (var extra = random.Next(3); extra > 0; extra--)
            {
                (var more, mutated) = Mutate(random, mutated);
                name += "+" + more;
            }

            fuzz.Check($"input {i} ({name})", mutated, kind);
        }

        fuzz.AssertHeapDidNotGrow();
    }

    [Fact]
    public void Mutations_inside_a_valid_outer_encoding_reach_the_inner_layers()
    {
        // An outer layer with a valid checksum passes the corruption through to the inner decoder and framing.
        var fuzz = new Fuzz(this, "inner mutations");
        for (var i = 0; i < 4_000; i++)
        {
            var random = new Random(HashCode.Combine(Seed, -1, i));
            var inner = random.Next(3) switch
            {
                0 => (byte[])[1, .. Payload(random)],
                1 => [2, 0, .. TestBlobs.Zlib([1, .. Payload(random)])],
                _ => [2, 1, .. TestSnappy.Framed([1, .. Payload(random)])],
            };
            var (name, mutated) = Mutate(random, inner, framingAt: 0);
            var outer = (TestEncoding)random.Next(2);
            byte[] blob = [.. TestBlobs.KryoMagic, 2, (byte)outer, .. TestBlobs.Compress(outer, mutated)];
            fuzz.Check($"input {i} ({outer} around {name})", blob, BlobKind.Kryo);
        }

        fuzz.AssertHeapDidNotGrow();
    }

    [Fact]
    public void Every_truncation_of_every_small_valid_blob_is_reported()
    {
        var fuzz = new Fuzz(this, "truncations");
        var checkedPrefixes = 0;
        foreach (var (kind, blob) in ValidSeeds().Where(s => s.Blob.Length <= 4096))
        {
            for (var length = 0; length < blob.Length; length++)
            {
                // A prefix cut inside a compressed layer or the header is a defect; a cut inside an unencoded payload is not visible.
                fuzz.Check($"{kind} blob of {blob.Length} bytes cut at {length}", blob[..length], kind);
                checkedPrefixes++;
            }
        }

        Assert.True(checkedPrefixes > 10_000, $"only {checkedPrefixes} prefixes");
        fuzz.AssertHeapDidNotGrow();
    }

    [Fact]
    public void Random_garbage_with_and_without_a_valid_header_is_reported_never_thrown()
    {
        var fuzz = new Fuzz(this, "garbage");
        for (var i = 0; i < 10_000; i++)
        {
            var random = new Random(HashCode.Combine(Seed, -2, i));
            var garbage = new byte[random.Next(0, 3000)];
            random.NextBytes(garbage);
            var kind = random.Next(2) == 0 ? BlobKind.Kryo : BlobKind.Amqp;
            var magic = kind == BlobKind.Kryo ? TestBlobs.KryoMagic : TestBlobs.AmqpMagic;
            byte[] blob = (i % 5) switch
            {
                0 => garbage,
                1 => [.. magic, .. garbage],
                2 => [.. magic, 2, 0, .. garbage],
                3 => [.. magic, 2, 1, .. TestSnappy.StreamIdentifier, .. garbage],
                _ => [.. magic, 2, 0, 0x78, 0x9C, .. garbage],
            };
            fuzz.Check($"input {i} (garbage shape {i % 5}, {garbage.Length} bytes)", blob, kind);
        }

        fuzz.AssertHeapDidNotGrow();
    }

    [Fact]
    public void Bombs_and_nested_bombs_stop_at_the_budget_quickly_without_materialising_their_output()
    {
        var fuzz = new Fuzz(this, "bombs");
        foreach (var (name, blob) in Bombs())
        {
            var defect = fuzz.Check(name, blob, BlobKind.Kryo);
            Assert.True(defect?.Code == BlobSizeLimit, $"seed {Seed}, {name}: expected {BlobSizeLimit}, got {defect?.Code ?? "clean"}");
        }

        fuzz.AssertHeapDidNotGrow();
    }

    [Fact]
    public void Deeply_nested_encodings_are_reported_without_exhausting_the_stack_or_memory()
    {
        // Each layer costs a decoder and a few stack frames; a blob can nest one layer per ~10 bytes.
        var fuzz = new Fuzz(this, "nesting");
        foreach (var depth in new[] { 2, 8, 16, 17, 64, 300 })
        {
            foreach (var encoding in new[] { TestEncoding.Deflate, TestEncoding.Snappy })
            {
                var stack = Enumerable.Repeat(encoding, depth).ToArray();
                var blob = TestBlobs.Kryo([42], stack);
                var defect = fuzz.Check($"{depth} nested {encoding} layers", blob, BlobKind.Kryo, layers: Math.Min(depth, MaxLayers));
                if (depth <= 16)
                {
                    Assert.True(defect is null, $"{depth} nested {encoding} layers: {defect?.Message}");
                }
            }
        }
    }

    private static List<(BlobKind Kind, byte[] Blob)> ValidSeeds()
    {
        var seeds = new List<(BlobKind, byte[])>();
        foreach (var stack in Stacks)
        {
            foreach (var size in new[] { 1, 40, 700, 3000, 70_000 })
            {
                var payload = TestBlobs.Payload(size, seed: size);
                seeds.Add((BlobKind.Kryo, TestBlobs.Kryo(payload, stack)));
                seeds.Add((BlobKind.Amqp, TestBlobs.Amqp(payload, stack)));
            }
        }

        return seeds;
    }

    private static byte[] Payload(Random random) => TestBlobs.Payload(random.Next(1, 2000), random.Next());

    /// <summary>One mutation; <paramref name="framingAt"/> is where the section id is (7 after a magic).</summary>
    private static (string Name, byte[] Blob) Mutate(Random random, byte[] blob, int framingAt = 7)
    {
        if (blob.Length == 0)
        {
            return ("insert into empty", [(byte)random.Next(256)]);
        }

        var copy = (byte[])blob.Clone();
        switch (random.Next(10))
        {
            case 0:
                for (var n = random.Next(1, 4); n > 0; n--)
                {
                    copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                }

                return ("bit flips", copy);
            case 1:
                var at = random.Next(copy.Length + 1);
                var inserted = new byte[random.Next(1, 9)];
                random.NextBytes(inserted);
                return ($"insert {inserted.Length} at {at}", [.. copy[..at], .. inserted, .. copy[at..]]);
            case 2:
                var from = random.Next(copy.Length);
                var to = Math.Min(copy.Length, from + random.Next(1, 17));
                return ($"delete {from}..{to}", [.. copy[..from], .. copy[to..]]);
            case 3:
                var cut = random.Next(copy.Length);
                return ($"truncate at {cut}", copy[..cut]);
            case 4:
                // The section id, encoding ordinal and the first bytes of the compressed stream (zlib header, Snappy identifier).
                var position = Math.Min(copy.Length - 1, framingAt + random.Next(12));
                copy[position] = InterestingByte(random);
                return ($"framing byte {position}", copy);
            case 5:
                return SnappyChunkTamper(random, copy, framingAt);
            case 6:
                // The last bytes: zlib's Adler-32 trailer, or the end of the last Snappy chunk.
                copy[copy.Length - 1 - random.Next(Math.Min(4, copy.Length))] = (byte)random.Next(256);
                return ("trailer byte", copy);
            case 7:
                // A second ENCODING header that claims a layer the data does not have, or a duplicated one.
                var ordinal = (byte)random.Next(3);
                var headerAt = Math.Min(copy.Length, framingAt);
                return ($"extra ENCODING {ordinal}", [.. copy[..headerAt], 2, ordinal, .. copy[headerAt..]]);
            case 8:
                var start = random.Next(copy.Length);
                var length = Math.Min(copy.Length - start, random.Next(1, 64));
                random.NextBytes(copy.AsSpan(start, length));
                return ($"overwrite {start}+{length}", copy);
            default:
                // A zlib stream spliced onto a Snappy header or the other way round.
                var splitAt = Math.Min(copy.Length, framingAt + 2);
                var tail = random.Next(2) == 0 ? TestBlobs.Zlib([1, 42]) : TestSnappy.Framed([1, 42]);
                return ("splice", [.. copy[..splitAt], .. tail]);
        }
    }

    /// <summary>Tampers with a chunk header of a Snappy stream found in the blob: type, length field, CRC or block preamble.</summary>
    private static (string Name, byte[] Blob) SnappyChunkTamper(Random random, byte[] blob, int framingAt)
    {
        var identifier = blob.AsSpan().IndexOf(TestSnappy.StreamIdentifier);
        if (identifier < 0)
        {
            var position = Math.Min(blob.Length - 1, framingAt + 1);
            blob[position] = (byte)TestEncoding.Snappy;
            return ("deflate relabelled snappy", blob);
        }

        var chunks = new List<int>();
        for (var p = identifier + TestSnappy.StreamIdentifier.Length; p + 4 <= blob.Length; p += 4 + (blob[p + 1] | (blob[p + 2] << 8) | (blob[p + 3] << 16)))
        {
            chunks.Add(p);
        }

        if (chunks.Count == 0)
        {
            return ("no chunks", blob);
        }

        var chunk = chunks[random.Next(chunks.Count)];
        var declared = blob[chunk + 1] | (blob[chunk + 2] << 8) | (blob[chunk + 3] << 16);
        switch (random.Next(4))
        {
            case 0:
                blob[chunk] = InterestingByte(random);
                return ($"chunk type {blob[chunk]:X2}", blob);
            case 1:
                var lengths = new[] { 0, 1, 4, 5, declared - 1, declared + 1, 0xFFFFFF, 65536 + 4, 65536 + 5, random.Next(0x1000000) };
                var length = Math.Max(0, lengths[random.Next(lengths.Length)]);
                blob[chunk + 1] = (byte)length;
                blob[chunk + 2] = (byte)(length >> 8);
                blob[chunk + 3] = (byte)(length >> 16);
                return ($"chunk length {length} (was {declared})", blob);
            case 2 when chunk + 8 <= blob.Length:
                blob[chunk + 4 + random.Next(4)] ^= 0xFF;
                return ("chunk crc", blob);
            default:
                // The varint preamble (decoded length) of a compressed block.
                if (chunk + 8 < blob.Length)
                {
                    blob[chunk + 8] = InterestingByte(random);
                    if (chunk + 9 < blob.Length)
                    {
                        blob[chunk + 9] = InterestingByte(random);
                    }
                }

                return ("block preamble", blob);
        }
    }

    private static byte InterestingByte(Random random)
    {
        byte[] interesting = [0, 1, 2, 3, 0x7F, 0x80, 0xFE, 0xFF, 0x78, 0x9C, 0x01];
        return random.Next(3) == 0 ? (byte)random.Next(256) : interesting[random.Next(interesting.Length)];
    }

    private static IEnumerable<(string Name, byte[] Blob)> Bombs()
    {
        // Compressed once per run: the slowest part of this test is building the bombs, not checking them.
        var zeros = new byte[16 * 1024 * 1024];
        zeros[0] = 1;
        var zlibBomb = TestBlobs.Zlib(zeros, CompressionLevel.SmallestSize);
        yield return ($"zlib bomb: 16 MiB from {zlibBomb.Length} bytes", [.. TestBlobs.KryoMagic, 2, 0, .. zlibBomb]);

        var twice = TestBlobs.Zlib([2, 0, .. zlibBomb], CompressionLevel.SmallestSize);
        yield return ($"nested zlib bomb: 16 MiB inside zlib, {twice.Length} bytes", [.. TestBlobs.KryoMagic, 2, 0, .. twice]);

        var zerosWithHeader = new byte[4 * 1024 * 1024];
        zerosWithHeader[0] = 1;
        yield return ("zlib layer decoding to 4 MiB under a shared budget", TestBlobs.Kryo(zerosWithHeader.AsSpan(1).ToArray(), TestEncoding.Deflate));

        var bombChunk = TestSnappy.Chunk(0x00, Enumerable.Repeat((byte)'a', 65536).ToArray(), TestSnappy.BombBlock());
        var snappy = new List<byte>([.. TestSnappy.StreamIdentifier, .. TestSnappy.Chunk(0x01, [1], [1])]);
        for (var i = 0; i < (Limit / 65536) + 8; i++)
        {
            snappy.AddRange(bombChunk);
        }

        yield return ($"snappy bomb: {snappy.Count} bytes", [.. TestBlobs.KryoMagic, 2, 1, .. snappy]);

        var snappyInZlib = TestBlobs.Zlib([2, 1, .. snappy], CompressionLevel.SmallestSize);
        yield return ($"snappy bomb inside zlib: {snappyInZlib.Length} bytes", [.. TestBlobs.KryoMagic, 2, 0, .. snappyInZlib]);

        var zlibInSnappy = TestSnappy.Framed([2, 0, .. zlibBomb]);
        yield return ($"zlib bomb inside snappy: {zlibInSnappy.Length} bytes", [.. TestBlobs.KryoMagic, 2, 1, .. zlibInSnappy]);

        // Three layers of incompressible data, each under the budget on its own: only the sum crosses it.
        var incompressible = new byte[(int)(Limit * 4 / 10)];
        new Random(Seed).NextBytes(incompressible);
        yield return ("three 400 KiB layers", TestBlobs.Kryo(incompressible, TestEncoding.Deflate, TestEncoding.Snappy, TestEncoding.Deflate));
    }

    /// <summary>Checks inputs one by one against the per-input bounds, and the heap over the whole run.</summary>
    private sealed class Fuzz
    {
        private readonly BlobFuzzTests _owner;
        private readonly string _name;
        private readonly long _heapBefore;

        public Fuzz(BlobFuzzTests owner, string name)
        {
            _owner = owner;
            _name = name;

            // Warm up JIT and pools, so that first-use costs are not charged to the first input.
            owner.Run(TestBlobs.Kryo([1], TestEncoding.Snappy, TestEncoding.Deflate), BlobKind.Kryo);
            _heapBefore = SettledHeap();
        }

        public BlobDefect? Check(string input, byte[] blob, BlobKind kind, int layers = UsualLayers)
        {
            var context = $"{_name}, seed {Seed}, {input}";
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var watch = Stopwatch.StartNew();
            BlobDefect? defect;
            try
            {
                defect = _owner.Run(blob, kind);
            }
            catch (Exception e)
            {
                Assert.Fail($"{context}: {e.GetType().Name} escaped: {e}");
                throw;
            }

            watch.Stop();
            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            Assert.True(watch.Elapsed < PerInputBound, $"{context}: took {watch.Elapsed.TotalMilliseconds:F0} ms");
            var bound = BaseAllocationBound + (AllocationPerLayer * layers);
            Assert.True(allocated < bound, $"{context}: allocated {allocated} bytes, bound {bound}");
            if (defect is { } d)
            {
                Assert.True(KnownCodes.Contains(d.Code), $"{context}: unknown code {d.Code}");
                Assert.False(string.IsNullOrWhiteSpace(d.Message), $"{context}: empty message");
                Assert.Equal(FindingSeverity.Error, d.Severity);

                // The checker's last-resort catch names an unexpected exception: a decoder bug, even though it is contained.
                Assert.False(d.Message.StartsWith("Decoding failed (", StringComparison.Ordinal), $"{context}: unexpected exception inside a decoder: {d.Message}");
            }

            return defect;
        }

        public void AssertHeapDidNotGrow()
        {
            var growth = SettledHeap() - _heapBefore;
            Assert.True(growth < 8 * 1024 * 1024, $"{_name}, seed {Seed}: the managed heap grew by {growth} bytes");
        }

        private static long SettledHeap()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return GC.GetTotalMemory(forceFullCollection: true);
        }
    }

    private BlobDefect? Run(byte[] blob, BlobKind kind) => BlobChecker.Check(blob, blob.Length, kind, Limit, _scratch);
}

/// <summary>
/// The fuzzer's heap check reads the whole process's managed heap, so it runs alone: another class's allocations (the
/// flow view's multi-megabyte exception texts, say) would otherwise read as the fuzzer's growth.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BlobFuzzCollection
{
    public const string Name = "Blob fuzzer (heap measured)";
}
