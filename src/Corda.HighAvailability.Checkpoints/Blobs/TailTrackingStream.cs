namespace Corda.HighAvailability.Checkpoints.Blobs;

/// <summary>Passes reads through and remembers the last four bytes read, where a zlib stream keeps its Adler-32.</summary>
internal sealed class TailTrackingStream(Stream inner) : DecodingStream
{
    private readonly byte[] _tail = new byte[4];

    public int TailLength { get; private set; }

    public uint TailBigEndian => (uint)((_tail[0] << 24) | (_tail[1] << 16) | (_tail[2] << 8) | _tail[3]);

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Remember(buffer[..read]);
        return read;
    }

    /// <summary>Reads what is left of the input, so that the tail is the input's real end.</summary>
    public void Drain(Span<byte> scratch)
    {
        while (Read(scratch) > 0)
        {
        }
    }

    private void Remember(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 4)
        {
            data[^4..].CopyTo(_tail);
            TailLength = 4;
            return;
        }

        foreach (var value in data)
        {
            _tail.AsSpan(1).CopyTo(_tail);
            _tail[3] = value;
        }

        TailLength = Math.Min(4, TailLength + data.Length);
    }
}
