namespace Corda.HighAvailability.Checkpoints.Blobs;

/// <summary>What is wrong with one blob; the verifier adds the flow id, table and column.</summary>
internal readonly record struct BlobDefect(string Code, FindingSeverity Severity, string Message);
