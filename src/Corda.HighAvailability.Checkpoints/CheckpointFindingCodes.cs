namespace Corda.HighAvailability.Checkpoints;

/// <summary>
/// The stable codes of the built-in checks. Blob codes follow Corda's serialization format
/// (<c>SerializationFormat.kt</c>, <c>KryoCheckpointSerializer.kt</c>); row codes follow the invariants of
/// <c>DBCheckpointStorage.kt</c> and the state machine (see each constant and the rule classes).
/// </summary>
public static class CheckpointFindingCodes
{
    /// <summary>The blob does not start with Corda's magic (<c>corda 00 00</c> for Kryo, <c>corda 01 00</c> for AMQP): Corda fails with "Serialized bytes header does not match expected format.".</summary>
    public const string BlobBadMagic = "blob-bad-magic";

    /// <summary>The blob, or a decoded layer of it, ends before a section id, an encoding ordinal, the payload or the end of a compressed stream.</summary>
    public const string BlobTruncated = "blob-truncated";

    /// <summary>A section id other than DATA_AND_STOP (0), ALT_DATA_AND_STOP (1) or ENCODING (2): Corda fails with <c>NoSuchElementException</c>.</summary>
    public const string BlobUnknownSection = "blob-unknown-section";

    /// <summary>An encoding ordinal other than DEFLATE (0) or SNAPPY (1): Corda fails with <c>NoSuchElementException</c>.</summary>
    public const string BlobUnknownEncoding = "blob-unknown-encoding";

    /// <summary>A DEFLATE (zlib) or Snappy (framing format) layer is corrupt and cannot be decoded.</summary>
    public const string BlobDecompressFailed = "blob-decompress-failed";

    /// <summary>
    /// A Snappy chunk decodes, but its CRC-32C does not match: the stored bytes differ from the bytes Corda wrote.
    /// Corda reads Snappy with checksums off, so the node would load the changed bytes silently, and a flow would
    /// resume from state nobody wrote. Hence an error by default; <c>ChecksumMismatchSeverity</c> can make it a warning.
    /// </summary>
    public const string BlobChecksumMismatch = "blob-checksum-mismatch";

    /// <summary>The blob is larger than <c>MaxBlobBytes</c>, would inflate beyond <c>MaxInflatedBytes</c>, or nests more than 16 encodings; decoding stopped at the limit.</summary>
    public const string BlobSizeLimit = "blob-size-limit";

    /// <summary>A <c>node_checkpoints</c> row has no <c>node_checkpoint_blobs</c> row: loading dereferences <c>blob!!</c> (DBCheckpointStorage <c>toSerializedCheckpoint</c>).</summary>
    public const string RowMissingBlob = "row-missing-blob";

    /// <summary>A <c>node_checkpoint_blobs</c> row has no <c>node_checkpoints</c> row: unreachable, since <c>removeCheckpoint</c> always deletes both (warning).</summary>
    public const string RowOrphanBlob = "row-orphan-blob";

    /// <summary>A <c>node_checkpoints</c> row has no <c>node_flow_metadata</c> row: <c>addCheckpoint</c> writes both in one transaction.</summary>
    public const string RowMissingMetadata = "row-missing-metadata";

    /// <summary><c>status</c> is not an ordinal of <c>Checkpoint.FlowStatus</c> (RUNNABLE=0 … PAUSED=5).</summary>
    public const string RowInvalidStatus = "row-invalid-status";

    /// <summary>A RUNNABLE, HOSPITALIZED or PAUSED flow has a NULL <c>flow_state</c>: it cannot be resumed (<c>serializedFlowState!!</c>).</summary>
    public const string RowMissingFlowState = "row-missing-flow-state";

    /// <summary>A COMPLETED or FAILED flow has no <c>finish_time</c>: <c>updateCheckpoint</c> sets both in one transaction.</summary>
    public const string RowFinishedWithoutFinishTime = "row-finished-without-finish-time";

    /// <summary>A COMPLETED flow has no <c>node_flow_results</c> row: reattaching fails with "result was not found in the database".</summary>
    public const string RowCompletedWithoutResult = "row-completed-without-result";

    /// <summary>A FAILED (or KILLED) flow has no <c>node_flow_exceptions</c> row: <c>getFlowException(throwIfMissing = true)</c> fails.</summary>
    public const string RowFailedWithoutException = "row-failed-without-exception";

    /// <summary>A custom <c>ICheckpointRule</c> threw; the gate fails rather than pass a flow it could not check.</summary>
    public const string RuleFailed = "rule-failed";
}
