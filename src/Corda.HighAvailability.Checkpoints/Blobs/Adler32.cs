namespace Corda.HighAvailability.Checkpoints.Blobs;

/// <summary>Adler-32 (RFC 1950 §8.2), to prove a zlib stream reached its trailer (see <see cref="ZlibDecodingStream"/>).</summary>
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
            foreach (var value in block)
            {
                _a += value;
                _b += _a;
            }

            _a %= Modulus;
            _b %= Modulus;
            data = data[block.Length..];
        }
    }
}
