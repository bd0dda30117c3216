using System.Buffers;
using System.Buffers.Binary;

namespace Corda.HighAvailability.Checkpoints.Blobs;

/// <summary>
/// Decodes Corda's SNAPPY encoding: iq80 <c>SnappyFramedInputStream(stream, verifyChecksums = false)</c>, which reads
/// the Google framing format (docs/corda-checkpoints.md#snappy): the 10-byte stream identifier first, then chunks of
/// 1-byte type, 3-byte little-endian length and data (compressed 0x00 / uncompressed 0x01 start with a 4-byte masked
/// CRC-32C). Types 0x02-0x7F are refused, 0x80-0xFE skipped, and data chunks shorter than 5 bytes refused, like iq80.
/// </summary>
/// <remarks>
/// Corda does not verify the CRCs, so a mismatch is not a decoding failure here either; it is remembered in
/// <see cref="ChecksumMismatches"/> and reported as <c>blob-checksum-mismatch</c> once the blob has decoded. Buffers
/// (64 KiB out, one chunk in) come from the pool.
/// </remarks>
internal sealed class SnappyFramedDecodingStream : DecodingStream
{
    private const int MaxBlock = 65536;

    // snappy's MaxCompressedLength(65536) = 32 + n + n / 6: no valid compressed chunk is longer.
    private const int MaxCompressedBlock = 32 + MaxBlock + (MaxBlock / 6);

    private static ReadOnlySpan<byte> StreamIdentifier => [0xFF, 0x06, 0x00, 0x00, 0x73, 0x4E, 0x61, 0x50, 0x70, 0x59];

    private readonly Stream _input;
    private byte[]? _decoded = ArrayPool<byte>.Shared.Rent(MaxBlock);
    private byte[]? _chunk = ArrayPool<byte>.Shared.Rent(MaxCompressedBlock + 4);
    private int _position;
    private int _length;
    private bool _started;
    private bool _ended;

    public SnappyFramedDecodingStream(Stream input) => _input = input;

    public int ChecksumMismatches { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_decoded is null, this);
        while (_position == _length)
        {
            if (_ended || !NextChunk())
            {
                _ended = true;
                return 0;
            }
        }

        var count = Math.Min(buffer.Length, _length - _position);
        _decoded.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Return(ref _decoded);
            Return(ref _chunk);
        }

        base.Dispose(disposing);
    }

    private static void Return(ref byte[]? buffer)
    {
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = null;
        }
    }

    /// <summary>Reads the next chunk; false at a clean end of the input (between chunks).</summary>
    private bool NextChunk()
    {
        Span<byte> header = stackalloc byte[4];
        var got = ReadAtMost(_input, header);
        if (got == 0 && _started)
        {
            return false;
        }

        if (got < 4)
        {
            throw BlobFormatException.Truncated(_started
                ? "The Snappy stream ends inside a chunk header."
                : "The Snappy stream ends before its stream identifier.");
        }

        var type = header[0];
        var length = header[1] | (header[2] << 8) | (header[3] << 16);
        if (!_started)
        {
            if (type != 0xFF)
            {
                throw BlobFormatException.Corrupt("The Snappy stream does not start with the stream identifier chunk (FF 06 00 00 'sNaPpY').");
            }

            _started = true;
        }

        switch (type)
        {
            case 0xFF:
                ReadStreamIdentifier(length);
                return true;
            case 0x00 or 0x01:
                ReadDataChunk(type, length);
                return true;
            case >= 0x02 and <= 0x7F:
                throw BlobFormatException.Corrupt($"The Snappy stream has an unsupported unskippable chunk type 0x{type:X2}.");
            default:
                Skip(length);
                return true;
        }
    }

    private void ReadStreamIdentifier(int length)
    {
        if (length != StreamIdentifier.Length - 4)
        {
            throw BlobFormatException.Corrupt($"The Snappy stream identifier chunk has length {length}, not 6.");
        }

        Span<byte> body = stackalloc byte[6];
        if (ReadAtMost(_input, body) < body.Length)
        {
            throw BlobFormatException.Truncated("The Snappy stream ends inside its stream identifier.");
        }

        if (!body.SequenceEqual(StreamIdentifier[4..]))
        {
            throw BlobFormatException.Corrupt("The Snappy stream identifier is not 'sNaPpY'.");
        }
    }

    private void ReadDataChunk(byte type, int length)
    {
        if (length < 5)
        {
            throw BlobFormatException.Corrupt($"A Snappy data chunk is {length} bytes long; at least 5 (checksum and data) are required.");
        }

        var limit = (type == 0x00 ? MaxCompressedBlock : MaxBlock) + 4;
        if (length > limit)
        {
            throw BlobFormatException.Corrupt($"A Snappy {(type == 0x00 ? "compressed" : "uncompressed")} chunk is {length} bytes long; at most {limit} fit a 64 KiB block.");
        }

        var chunk = _chunk.AsSpan(0, length);
        if (ReadAtMost(_input, chunk) < length)
        {
            throw BlobFormatException.Truncated("The Snappy stream ends inside a data chunk.");
        }

        var data = chunk[4..];
        var decoded = _decoded.AsSpan(0, MaxBlock);
        _length = type == 0x00 ? SnappyBlock.Decode(data, decoded) : Copy(data, decoded);
        _position = 0;
        if (SnappyChecksum.Masked(decoded[.._length]) != BinaryPrimitives.ReadUInt32LittleEndian(chunk))
        {
            ChecksumMismatches++;
        }
    }

    private static int Copy(ReadOnlySpan<byte> data, Span<byte> decoded)
    {
        data.CopyTo(decoded);
        return data.Length;
    }

    private void Skip(int length)
    {
        var scratch = _chunk.AsSpan();
        while (length > 0)
        {
            var read = ReadAtMost(_input, scratch[..Math.Min(length, scratch.Length)]);
            if (read == 0)
            {
                throw BlobFormatException.Truncated("The Snappy stream ends inside a skippable chunk.");
            }

            length -= read;
        }
    }
}
