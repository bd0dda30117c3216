using System.IO.Compression;

namespace Corda.HighAvailability.Checkpoints.Blobs;

/// <summary>
/// Decodes Corda's DEFLATE encoding: <c>java.util.zip.DeflaterOutputStream</c> with the default <c>Deflater()</c>, i.e.
/// the zlib format (RFC 1950: 2-byte header, deflate data, Adler-32 trailer); see docs/corda-checkpoints.md#deflate.
/// </summary>
/// <remarks>
/// .NET's <see cref="ZLibStream"/> reports a stream cut anywhere before its trailer as a normal end of data. Since
/// Corda's writer closes the stream at the end of the blob, a complete stream ends with the Adler-32 of everything
/// it decodes to: the decoded bytes are summed here and compared with the last four input bytes at the end, which
/// tells a truncated stream from a complete one.
/// </remarks>
internal sealed class ZlibDecodingStream : DecodingStream
{
    private readonly TailTrackingStream _input;
    private readonly ZLibStream _zlib;
    private Adler32 _checksum;
    private bool _ended;

    public ZlibDecodingStream(Stream input)
    {
        _input = new TailTrackingStream(input);
        _zlib = new ZLibStream(_input, CompressionMode.Decompress, leaveOpen: true);
    }

    public override int Read(Span<byte> buffer)
    {
        if (_ended || buffer.IsEmpty)
        {
            return 0;
        }

        int read;
        try
        {
            read = _zlib.Read(buffer);
        }
        catch (InvalidDataException)
        {
            // .NET's message ("unsupported compression method") is misleading for a bad header, block or checksum.
            throw BlobFormatException.Corrupt("The DEFLATE (zlib) stream is corrupt: bad header, block or Adler-32 checksum.");
        }
        catch (IOException)
        {
            // zlib's other refusals (e.g. a header asking for a preset dictionary, FDICT, which Corda's Deflater never
            // sets) surface as .NET's internal ZLibException, an IOException. The input is a MemoryStream or one of
            // the decoders, which signal their own defects with BlobFormatException, never IOException.
            throw BlobFormatException.Corrupt("The DEFLATE (zlib) stream is corrupt: zlib refused it (e.g. a preset dictionary, which Corda never uses).");
        }

        if (read > 0)
        {
            _checksum.Update(buffer[..read]);
            return read;
        }

        _ended = true;
        Span<byte> scratch = stackalloc byte[256];
        _input.Drain(scratch);
        if (_input.TailLength < 4 || _input.TailBigEndian != _checksum.Value)
        {
            throw BlobFormatException.Truncated(
                "The DEFLATE (zlib) stream ends before its Adler-32 trailer: the compressed data is cut short (or followed by extra bytes).");
        }

        return 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _zlib.Dispose();
        }

        base.Dispose(disposing);
    }
}
