using Corda.HighAvailability.Checkpoints.Reading;
using Corda.HighAvailability.Checkpoints.Reading.Tables;

namespace Corda.HighAvailability.Checkpoints.Verification;

/// <summary>One blob handed from the reader to a decoding worker, which disposes it.</summary>
internal sealed record BlobWork(string FlowId, BlobColumn Column, PooledBlob Blob);
