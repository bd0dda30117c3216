using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Corda.HighAvailability.Checkpoints.Blobs;

/// <summary>Adler-32 (RFC 1950 §8.2), to prove a zlib stream reached its trailer (see <see cref="ZlibDecodingStream"/>).</summary>
/// <remarks>
/// Every inflated byte passes through here, so 16 bytes are summed at once where the hardware allows (the scalar
/// loop cost about a quarter of checking a DEFLATE blob); the remainder and unaccelerated machines take the scalar loop.
/// </remarks>
internal struct Adler32
{
    private const uint Modulus = 65521;

    // The largest n such that 255n(n+1)/2 + (n+1)(Modulus-1) fits in 32 bits (zlib's NMAX).
    private const int BlockSize = 5552;

    private uint _a;
    private uint _b;
    private bool _started;

    public readonly uint Value => _started ? (_b << 16) | _a : 1u;

    public void Update(ReadOnlySpan<byte> data)
    {
        if (!_started)
        {
            _a = 1;
            _b = 0;
            _started = true;
        }

        while (!data.IsEmpty)
        {
            var block = data[..Math.Min(BlockSize, data.Length)];
            var vectorized = Vector128.IsHardwareAccelerated ? block.Length & ~15 : 0;
            if (vectorized > 0)
            {
                UpdateVectorized(block[..vectorized]);
            }

            foreach (var value in block[vectorized..])
            {
                _a += value;
                _b += _a;
            }

            _a %= Modulus;
            _b %= Modulus;
            data = data[block.Length..];
        }
    }

    /// <summary>
    /// Whole 16-byte groups of at most <see cref="BlockSize"/> bytes, with <c>_a</c> and <c>_b</c> reduced on entry.
    /// Group k adds 16·a_k + Σ(16 − i)·x_i to b, where a_k = a + the bytes of the groups before it; the lanes keep the
    /// running byte sums, their prefix sums and the weighted sums, which stay far below 2^32 for 347 groups.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a hot loop: skip the slow tier-0 code for vector operations
    private void UpdateVectorized(ReadOnlySpan<byte> data)
    {
        var weights0 = Vector128.Create(16u, 15u, 14u, 13u);
        var weights1 = Vector128.Create(12u, 11u, 10u, 9u);
        var weights2 = Vector128.Create(8u, 7u, 6u, 5u);
        var weights3 = Vector128.Create(4u, 3u, 2u, 1u);
        var sums = Vector128<uint>.Zero;
        var prefixes = Vector128<uint>.Zero;
        var weighted = Vector128<uint>.Zero;
        ref var start = ref MemoryMarshal.GetReference(data);
        var groups = data.Length / 16;
        for (var k = 0; k < groups; k++)
        {
            var bytes = Vector128.LoadUnsafe(ref Unsafe.Add(ref start, k * 16));
            prefixes += sums;
            var (low, high) = Vector128.Widen(bytes);
            var (x0, x1) = Vector128.Widen(low);
            var (x2, x3) = Vector128.Widen(high);
            sums += x0 + x1 + x2 + x3;
            weighted += (x0 * weights0) + (x1 * weights1) + (x2 * weights2) + (x3 * weights3);
        }

        var a = _a + (ulong)Vector128.Sum(sums);
        var b = _b + (16UL * (ulong)groups * _a) + (16UL * Vector128.Sum(prefixes)) + Vector128.Sum(weighted);
        _a = (uint)(a % Modulus);
        _b = (uint)(b % Modulus);
    }
}
