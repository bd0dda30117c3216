using Corda.HighAvailability.Checkpoints.Blobs;
using Corda.HighAvailability.Checkpoints.Reading;

namespace Corda.HighAvailability.Checkpoints.Verification;

/// <summary>One blob handed from the reader to a decoding worker, which disposes it.</summary>
internal sealed record BlobWork(string FlowId, string Table, string Column, BlobKind Kind, PooledBlob Blob);
