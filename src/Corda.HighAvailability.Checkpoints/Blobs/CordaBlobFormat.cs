namespace Corda.HighAvailability.Checkpoints.Blobs;

/// <summary>
/// Corda's serialization framing (docs/corda-checkpoints.md#blob-framing): a 7-byte magic ("corda" + 2 version bytes),
/// then 1-byte ordinals. Upstream: KryoCheckpointSerializer.kt l.30 and l.124-170; amqp/Schema.kt l.23;
/// SerializationFormat.kt l.23-55.
/// </summary>
internal static class CordaBlobFormat
{
    public const int MagicLength = 7;

    public const byte DataAndStop = 0;
    public const byte AltDataAndStop = 1;
    public const byte Encoding = 2;

    public const byte Deflate = 0;
    public const byte Snappy = 1;

    /// <summary><c>corda 00 00</c>: Kryo checkpoints.</summary>
    public static ReadOnlySpan<byte> KryoMagic => [0x63, 0x6F, 0x72, 0x64, 0x61, 0x00, 0x00];

    /// <summary><c>corda 01 00</c>: AMQP.</summary>
    public static ReadOnlySpan<byte> AmqpMagic => [0x63, 0x6F, 0x72, 0x64, 0x61, 0x01, 0x00];

    public static ReadOnlySpan<byte> MagicOf(BlobKind kind) => kind == BlobKind.Kryo ? KryoMagic : AmqpMagic;
}
