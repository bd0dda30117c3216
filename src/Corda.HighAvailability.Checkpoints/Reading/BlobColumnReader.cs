using System.Buffers;
using System.Data.Common;
using Corda.HighAvailability.Checkpoints.Reading.Tables;

namespace Corda.HighAvailability.Checkpoints.Reading;

/// <summary>
/// Reads one blob column of the current row (sequential access: columns in SELECT order) through
/// <see cref="DbDataReader.GetStream"/> into a pooled buffer that grows by doubling up to MaxBlobBytes, so that no
/// blob is ever held twice or beyond the limit.
/// </summary>
/// <param name="readBytes">Whether values are read at all (blob checks on); off, only their presence is.</param>
/// <param name="maxBytes">MaxBlobBytes: a longer value is reported as oversized and not kept.</param>
internal sealed class BlobColumnReader(bool readBytes, int maxBytes)
{
    private const int InitialSize = 16 * 1024;

    /// <summary>The value of <paramref name="column"/>, or <see langword="null"/> when it is NULL.</summary>
    public async ValueTask<PooledBlob?> ReadAsync(DbDataReader reader, BlobColumn column, CancellationToken cancellationToken)
    {
        var ordinal = column.Ordinal;
        if (await reader.IsDBNullAsync(ordinal, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        if (!readBytes)
        {
            return PooledBlob.Unread;
        }

        var stream = reader.GetStream(ordinal);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialSize, maxBytes));
            var length = 0;
            try
            {
                while (true)
                {
                    var capacity = Math.Min(buffer.Length, maxBytes);
                    if (length == capacity)
                    {
                        if (capacity == maxBytes)
                        {
                            // Full at the limit: one more byte means the blob is too large to check.
                            var probe = await stream.ReadAsync(buffer.AsMemory(0, 1), cancellationToken).ConfigureAwait(false);
                            if (probe == 0)
                            {
                                break;
                            }

                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = null;
                            return new PooledBlob(null, length, oversized: true);
                        }

                        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, maxBytes));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                        continue;
                    }

                    var read = await stream.ReadAsync(buffer.AsMemory(length, capacity - length), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    length += read;
                }

                var blob = new PooledBlob(buffer, length, oversized: false);
                buffer = null;
                return blob;
            }
            finally
            {
                if (buffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
    }
}
