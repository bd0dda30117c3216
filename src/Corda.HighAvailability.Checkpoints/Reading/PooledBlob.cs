using System.Buffers;

namespace Corda.HighAvailability.Checkpoints.Reading;

/// <summary>A non-NULL blob value: its bytes in a pooled buffer (returned on dispose), or only the fact that it is present.</summary>
internal sealed class PooledBlob : IDisposable
{
    /// <summary>Present, but not read because blob checks are off.</summary>
    public static readonly PooledBlob Unread = new(null, 0, oversized: false);

    private byte[]? _buffer;

    public PooledBlob(byte[]? buffer, int length, bool oversized)
    {
        _buffer = buffer;
        Length = length;
        Oversized = oversized;
    }

    /// <summary>The pooled buffer (longer than <see cref="Length"/>), or <see langword="null"/> when not read or oversized.</summary>
    public byte[]? Buffer => _buffer;

    public int Length { get; }

    /// <summary>The value is longer than MaxBlobBytes; only that many bytes were read, and none kept.</summary>
    public bool Oversized { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
