namespace Corda.HighAvailability.Checkpoints.Blobs;

/// <summary>Which serializer wrote a blob column, and therefore which magic it must start with.</summary>
internal enum BlobKind
{
    /// <summary>Kryo checkpoint serialization: <c>checkpoint_value</c>, <c>flow_state</c>.</summary>
    Kryo,

    /// <summary>AMQP storage serialization: <c>flow_parameters</c>, <c>result_value</c>, <c>exception_value</c>.</summary>
    Amqp,
}
